/// Which endpoints receive a Service port's traffic on a node: Kubernetes' `CategorizeEndpoints`, without
/// topology hints.
///
/// Ready endpoints are used when there are any; otherwise serving-but-terminating ones, so that connections still
/// succeed while a rollout drains the last Pods. internalTrafficPolicy Local narrows cluster traffic to this
/// node's endpoints (and then drops the traffic when there are none, as Kubernetes does); externalTrafficPolicy
/// Local does the same for NodePort traffic.
public struct EndpointSelection: Hashable, Sendable {
    /// For ClusterIP (and external IPs without Local policy) traffic.
    public var cluster: [EndpointInfo]
    /// For NodePort traffic.
    public var external: [EndpointInfo]

    public init(cluster: [EndpointInfo], external: [EndpointInfo]) {
        self.cluster = cluster
        self.external = external
    }

    public init(service: ServicePortInfo, endpoints: [EndpointInfo], nodeName: String) {
        let all = Self.usable(endpoints)
        let local = Self.usable(endpoints.filter { $0.nodeName == nodeName })
        cluster = service.internalTrafficLocal ? local : all
        external = service.externalTrafficLocal ? local : all
    }

    /// Ready endpoints, else serving-and-terminating ones; sorted and without duplicates.
    static func usable(_ endpoints: [EndpointInfo]) -> [EndpointInfo] {
        let ready = endpoints.filter(\.ready)
        let chosen = ready.isEmpty ? endpoints.filter { $0.serving && $0.terminating } : ready
        return Array(Set(chosen)).sorted()
    }
}
