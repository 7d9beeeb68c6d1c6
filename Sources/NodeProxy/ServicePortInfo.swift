import SkiffAPI

/// What a proxy needs of one Service port, projected from the Service (kube-proxy's `BaseServicePortInfo`).
///
/// Equality is what decides whether a Service change touches the dataplane: fields that do not affect
/// forwarding (labels, annotations) are not here, so changing them programs nothing.
public struct ServicePortInfo: Hashable, Sendable {
    /// The Service's cluster IPs, primary first (IPv4 and/or IPv6 literals).
    public var clusterIPs: [String]
    public var port: Int
    public var `protocol`: TransportProtocol
    /// Allocated for NodePort and LoadBalancer Services.
    public var nodePort: Int?
    public var externalIPs: [String]
    public var sessionAffinity: SessionAffinity
    /// internalTrafficPolicy Local: only endpoints on this node receive cluster traffic.
    public var internalTrafficLocal: Bool
    /// externalTrafficPolicy Local: only endpoints on this node receive NodePort traffic.
    public var externalTrafficLocal: Bool

    public init(clusterIPs: [String], port: Int, protocol: TransportProtocol = .tcp, nodePort: Int? = nil,
                externalIPs: [String] = [], sessionAffinity: SessionAffinity = .none,
                internalTrafficLocal: Bool = false, externalTrafficLocal: Bool = false) {
        self.clusterIPs = clusterIPs
        self.port = port
        self.protocol = `protocol`
        self.nodePort = nodePort
        self.externalIPs = externalIPs
        self.sessionAffinity = sessionAffinity
        self.internalTrafficLocal = internalTrafficLocal
        self.externalTrafficLocal = externalTrafficLocal
    }

    /// The IPv4 cluster IP, if the Service has one.
    public var clusterIPv4: String? { clusterIPs.first { !$0.contains(":") } }
}

/// sessionAffinity: None, or ClientIP with its timeout (Kubernetes' default is 10,800 s).
public enum SessionAffinity: Hashable, Sendable {
    case none
    case clientIP(timeoutSeconds: Int)

    public static let defaultTimeoutSeconds = 10_800

    public var timeoutSeconds: Int? {
        if case .clientIP(let timeout) = self { return timeout }
        return nil
    }
}

extension ServicePortInfo {
    /// The ports a proxy programs for `service`: none for headless, ExternalName or IP-less Services
    /// (DNS handles those), and none for ports in an unknown protocol.
    public static func ports(of service: Service) -> [ServicePortName: ServicePortInfo] {
        guard let spec = service.spec, service.serviceType != Service.ServiceType.externalName, !service.isHeadless else { return [:] }
        let clusterIPs = (spec.clusterIPs?.isEmpty == false ? spec.clusterIPs! : spec.clusterIP.map { [$0] } ?? [])
            .filter { !$0.isEmpty && $0 != Service.headlessClusterIP }
        guard !clusterIPs.isEmpty else { return [:] }
        let affinity: SessionAffinity = spec.sessionAffinity == "ClientIP"
            ? .clientIP(timeoutSeconds: spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? SessionAffinity.defaultTimeoutSeconds)
            : .none
        var result: [ServicePortName: ServicePortInfo] = [:]
        for port in spec.ports ?? [] {
            guard let proto = TransportProtocol(kubernetes: port.protocol) else { continue }
            let name = ServicePortName(namespace: service.namespace, name: service.metadata.name ?? "", port: port.name ?? "", protocol: proto)
            result[name] = ServicePortInfo(
                clusterIPs: clusterIPs, port: port.port, protocol: proto, nodePort: port.nodePort,
                externalIPs: spec.externalIPs ?? [], sessionAffinity: affinity,
                internalTrafficLocal: spec.internalTrafficPolicy == "Local",
                externalTrafficLocal: spec.externalTrafficPolicy == "Local")
        }
        return result
    }
}
