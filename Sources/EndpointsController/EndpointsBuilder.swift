import SkiffAPI

/// Builds the v1 Endpoints object for a Service with a selector, as Kubernetes' endpoints controller does.
enum EndpointsBuilder {
    /// The canonical subsets for the Pods: one entry per (Pod, Service port) the Pod has, repacked so that
    /// addresses offering the same ports (with the same readiness) share a subset.
    static func subsets(service: Service, pods: [Pod]) -> [EndpointSubset] {
        let publishNotReady = service.spec?.publishNotReadyAddresses ?? false
        let ports = service.spec?.ports ?? []
        var entries: [EndpointsRepacker.Entry] = []
        for pod in pods where PodEndpoint.counts(pod, includeTerminating: publishNotReady) {
            guard let address = PodEndpoint.address(pod, service: service) else { continue }
            let ready = publishNotReady || pod.isReady
            if ports.isEmpty {
                // Only a headless Service may have no ports; its addresses are published without any.
                if service.isHeadless { entries.append(.init(address: address, port: nil, ready: ready)) }
                continue
            }
            for servicePort in ports {
                guard let number = PortResolver.targetPort(of: servicePort, in: pod) else { continue }
                let port = EndpointPort(name: servicePort.name, port: number,
                                        protocol: PortResolver.protocolOf(servicePort.protocol),
                                        appProtocol: servicePort.appProtocol)
                entries.append(.init(address: address, port: port, ready: ready))
            }
        }
        return EndpointsRepacker.repack(entries)
    }

    /// Keeps at most `capacity` addresses, ready ones first, spread over the subsets in proportion to their
    /// size (Kubernetes' truncateEndpoints). Returns nil when nothing had to be cut.
    static func truncate(_ subsets: [EndpointSubset], capacity: Int) -> [EndpointSubset]? {
        let totalReady = subsets.reduce(0) { $0 + ($1.addresses?.count ?? 0) }
        let totalNotReady = subsets.reduce(0) { $0 + ($1.notReadyAddresses?.count ?? 0) }
        guard totalReady + totalNotReady > capacity else { return nil }
        let truncateReady = totalReady > capacity
        let budget = truncateReady ? capacity : capacity - totalReady
        let total = truncateReady ? totalReady : totalNotReady
        var left = budget
        return subsets.map { subset in
            var subset = subset
            let count = (truncateReady ? subset.addresses : subset.notReadyAddresses)?.count ?? 0
            // Rounded up, so the last subsets may get fewer than their share.
            let share = min(left, (count * budget + total - 1) / total)
            if truncateReady {
                subset.addresses = subset.addresses.map { Array($0.prefix(share)) }
                subset.notReadyAddresses = nil
                left -= subset.addresses?.count ?? 0
            } else {
                subset.notReadyAddresses = subset.notReadyAddresses.map { Array($0.prefix(share)) }
                left -= subset.notReadyAddresses?.count ?? 0
            }
            return subset
        }
    }

    /// The change that makes `existing` match the Service and Pods: Service labels plus the headless label,
    /// truncated subsets with the over-capacity annotation set or cleared. No change when equal semantically
    /// (subset order and targetRef resourceVersions ignored).
    static func change(service: Service, pods: [Pod], existing: Endpoints?, capacity: Int) -> EndpointsChange {
        var subsets = subsets(service: service, pods: pods)
        let truncated = truncate(subsets, capacity: capacity)
        if let truncated { subsets = EndpointsRepacker.canonical(truncated) }

        var labels = service.metadata.labels ?? [:]
        labels[EndpointsLabels.headlessService] = nil
        if !isServiceIPSet(service) { labels[EndpointsLabels.headlessService] = "" }

        var desired = existing ?? Endpoints(metadata: ObjectMeta(name: service.name, namespace: service.namespace))
        desired.setTypeMeta()
        desired.metadata.labels = labels.isEmpty ? nil : labels
        var annotations = desired.metadata.annotations ?? [:]
        annotations[EndpointsLabels.overCapacity] = truncated == nil ? nil : EndpointsLabels.truncated
        desired.metadata.annotations = annotations.isEmpty ? nil : annotations
        desired.subsets = subsets

        guard let existing else { return .create(desired) }
        let sameSubsets = EndpointsRepacker.canonical(existing.subsets ?? []) == subsets
        let sameLabels = (existing.metadata.labels ?? [:]) == labels
        let sameAnnotations = (existing.metadata.annotations ?? [:]) == annotations
        return sameSubsets && sameLabels && sameAnnotations ? .none : .update(desired)
    }

    /// A Service has a cluster IP unless it is headless or has none yet.
    static func isServiceIPSet(_ service: Service) -> Bool {
        guard let clusterIP = service.spec?.clusterIP else { return false }
        return !clusterIP.isEmpty && clusterIP != Service.headlessClusterIP
    }
}
