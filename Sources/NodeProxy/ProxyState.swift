import SkiffAPI

/// The proxy's desired dataplane state, kept up to date incrementally: `refresh` re-projects one Service and
/// reports which of its ports changed, so a sync hands the proxier only those.
///
/// It holds the flattened `ProxySnapshot` itself (copy-on-write: handing it to a proxier copies nothing), plus
/// which ports each Service has and the resourceVersion of each Service, for the programmed-revision report.
public struct ProxyState: Sendable {
    public private(set) var snapshot: ProxySnapshot
    private var portsByService: [ServiceKey: Set<ServicePortName>] = [:]
    public private(set) var resourceVersions: [ServiceKey: String] = [:]

    public init(nodeName: String) {
        snapshot = ProxySnapshot(nodeName: nodeName)
    }

    /// Replaces what is known of `key` with `service` (nil: gone) and its `slices`; returns the ports whose
    /// service info or endpoints differ from before (removed ports included).
    public mutating func refresh(_ key: ServiceKey, service: Service?, slices: [EndpointSlice]) -> Set<ServicePortName> {
        let ports = service.map(ServicePortInfo.ports(of:)) ?? [:]
        var endpoints: [ServicePortName: [EndpointInfo]] = [:]
        if !ports.isEmpty {
            for slice in slices where slice.namespace == key.namespace {
                for (port, list) in EndpointInfo.endpoints(of: slice) where ports[port] != nil {
                    endpoints[port, default: []].append(contentsOf: list)
                }
            }
        }
        let old = portsByService[key] ?? []
        var changed: Set<ServicePortName> = []
        for port in old where ports[port] == nil {
            snapshot.services[port] = nil
            snapshot.endpoints[port] = nil
            changed.insert(port)
        }
        for (port, info) in ports {
            let list = (endpoints[port] ?? []).sorted()
            if snapshot.services[port] != info || (snapshot.endpoints[port] ?? []) != list {
                snapshot.services[port] = info
                snapshot.endpoints[port] = list.isEmpty ? nil : list
                changed.insert(port)
            }
        }
        portsByService[key] = ports.isEmpty ? nil : Set(ports.keys)
        resourceVersions[key] = service?.metadata.resourceVersion
        return changed
    }

    /// Every Service known, with ports or not.
    public var serviceKeys: Set<ServiceKey> { Set(resourceVersions.keys) }
}
