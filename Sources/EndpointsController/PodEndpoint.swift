import SkiffAPI

/// Turns Pods into endpoint entries: which Pods count, and what an endpoint says about a Pod
/// (Kubernetes' ShouldPodBeInEndpoints, podToEndpoint, podToEndpointAddressForService).
enum PodEndpoint {
    /// Pods that finished (Succeeded, Failed) or have no IP yet never count. Terminating Pods (with a
    /// deletionTimestamp) count only when asked: slices keep them (terminating=true), Endpoints drop them unless
    /// the Service publishes not-ready addresses.
    static func counts(_ pod: Pod, includeTerminating: Bool) -> Bool {
        if let phase = pod.status?.phase, phase == "Succeeded" || phase == "Failed" { return false }
        if podIPs(pod).isEmpty { return false }
        if !includeTerminating && pod.metadata.deletionTimestamp != nil { return false }
        return true
    }

    /// status.podIPs, or status.podIP when the list is absent.
    static func podIPs(_ pod: Pod) -> [String] {
        let listed = (pod.status?.podIPs ?? []).map(\.ip).filter { !$0.isEmpty }
        if !listed.isEmpty { return listed }
        return pod.podIP.map { [$0] } ?? []
    }

    /// The hostname is published only for a Pod that asked for it and put itself under this Service
    /// (spec.subdomain == Service name), as headless-Service DNS needs.
    static func hostname(_ pod: Pod, service: Service) -> String? {
        guard let hostname = pod.spec?.hostname, !hostname.isEmpty,
              pod.spec?.subdomain == service.name, pod.namespace == service.namespace else { return nil }
        return hostname
    }

    static func targetRef(_ pod: Pod) -> ObjectReference {
        ObjectReference(kind: "Pod", namespace: pod.namespace, name: pod.name, uid: pod.metadata.uid)
    }

    static func nodeName(_ pod: Pod) -> String? {
        guard let node = pod.spec?.nodeName, !node.isEmpty else { return nil }
        return node
    }

    /// The slice endpoint for a Pod and address type; nil when the Pod has no IP of that type.
    /// serving follows readiness; ready is also false while terminating, unless the Service publishes
    /// not-ready addresses. The zone is unknown here (Skiff's Nodes carry no zone label yet).
    static func endpoint(_ pod: Pod, service: Service, addressType: String) -> Endpoint? {
        let addresses = podIPs(pod).filter { AddressFamily.of($0) == addressType }
        guard !addresses.isEmpty else { return nil }
        let serving = pod.isReady
        let terminating = pod.metadata.deletionTimestamp != nil
        let ready = (service.spec?.publishNotReadyAddresses ?? false) || (serving && !terminating)
        return Endpoint(addresses: addresses.sorted(),
                        conditions: EndpointConditions(ready: ready, serving: serving, terminating: terminating),
                        hostname: hostname(pod, service: service), targetRef: targetRef(pod), nodeName: nodeName(pod))
    }

    /// The Endpoints address for a Pod: its IP of the Service's (first) family.
    static func address(_ pod: Pod, service: Service) -> EndpointAddress? {
        let family = AddressFamily.primary(of: service)
        let ips = podIPs(pod)
        guard let ip = family.map({ family in ips.first { AddressFamily.of($0) == family } }) ?? ips.first else {
            return nil
        }
        return EndpointAddress(ip: ip, hostname: hostname(pod, service: service), nodeName: nodeName(pod),
                               targetRef: targetRef(pod))
    }
}

/// IP families as EndpointSlice address types ("IPv4", "IPv6").
enum AddressFamily {
    static let ipv4 = "IPv4"
    static let ipv6 = "IPv6"

    /// The family of an IP literal, nil when it is not one.
    static func of(_ ip: String) -> String? {
        if ip.contains(":") {
            let allowed = Set("0123456789abcdefABCDEF:.")
            return ip.allSatisfy { allowed.contains($0) } && ip.count >= 2 ? ipv6 : nil
        }
        let parts = ip.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && (UInt16($0) ?? 256) <= 255 })
        else { return nil }
        return ipv4
    }

    /// The Service's families (Kubernetes' getAddressTypesForService): spec.ipFamilies, else the clusterIP's
    /// family, else both for a headless Service.
    static func types(of service: Service) -> [String] {
        let families = (service.spec?.ipFamilies ?? []).filter { $0 == ipv4 || $0 == ipv6 }
        if !families.isEmpty { return Array(Set(families)).sorted() }
        if let clusterIP = service.spec?.clusterIP, !clusterIP.isEmpty, !service.isHeadless {
            return [of(clusterIP) ?? ipv4]
        }
        return [ipv4, ipv6]
    }

    /// The family the Endpoints object uses: the first listed, else the clusterIP's; nil means any.
    static func primary(of service: Service) -> String? {
        if let first = service.spec?.ipFamilies?.first { return first }
        if let clusterIP = service.spec?.clusterIP, !service.isHeadless { return of(clusterIP) }
        return nil
    }
}
