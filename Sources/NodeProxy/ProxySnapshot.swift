/// The whole desired state of a node's dataplane: every programmable Service port with its endpoints.
///
/// A value: the sync loop builds it from the change trackers and hands it to the proxier, which renders from
/// it without reading anything else, so a rendering can be tested from a literal snapshot.
public struct ProxySnapshot: Hashable, Sendable {
    public var nodeName: String
    public var services: [ServicePortName: ServicePortInfo]
    /// All endpoints the slices list, per Service port, before selection.
    public var endpoints: [ServicePortName: [EndpointInfo]]

    public init(nodeName: String, services: [ServicePortName: ServicePortInfo] = [:], endpoints: [ServicePortName: [EndpointInfo]] = [:]) {
        self.nodeName = nodeName
        self.services = services
        self.endpoints = endpoints
    }

    /// The endpoints that receive `port`'s traffic on this node.
    public func selection(for port: ServicePortName) -> EndpointSelection {
        guard let service = services[port] else { return EndpointSelection(cluster: [], external: []) }
        return EndpointSelection(service: service, endpoints: endpoints[port] ?? [], nodeName: nodeName)
    }

    /// Service ports in a stable order.
    public var sortedPorts: [ServicePortName] { services.keys.sorted() }

    /// How many endpoints are selected in all. Walks every port: for tests and debugging, never per sync (the
    /// proxiers count what they program as it changes).
    public var selectedEndpointCount: Int { services.keys.reduce(0) { $0 + selection(for: $1).cluster.count } }
}
