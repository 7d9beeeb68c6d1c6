import SkiffAPI

/// Resolves a Service port to the port a given Pod listens on (Kubernetes' FindPort).
enum PortResolver {
    /// A numeric targetPort is used as is (absent: the Service port); a named one is looked up among the Pod's
    /// container ports by name and protocol. Nil when the Pod lacks it. (Kubernetes also searches sidecar init
    /// containers, those with restartPolicy Always; Skiff's Container has no restartPolicy, so none qualify.)
    static func targetPort(of servicePort: ServicePort, in pod: Pod) -> Int? {
        switch servicePort.targetPort {
        case nil, .int(0)?, .string("")?:
            return servicePort.port
        case .int(let number)?:
            return number
        case .string(let name)?:
            let proto = protocolOf(servicePort.protocol)
            for container in pod.spec?.containers ?? [] {
                for port in container.ports ?? [] where port.name == name && protocolOf(port.protocol) == proto {
                    return port.containerPort
                }
            }
            return nil
        }
    }

    /// The slice ports for one Pod: one per Service port it has, in Service order, normalized (name "" when
    /// unnamed, protocol TCP when unset) so that equal port sets compare equal.
    static func slicePorts(service: Service, pod: Pod) -> [EndpointSlicePort] {
        (service.spec?.ports ?? []).compactMap { servicePort in
            targetPort(of: servicePort, in: pod).map {
                EndpointSlicePort(name: servicePort.name ?? "", protocol: protocolOf(servicePort.protocol),
                                  port: $0, appProtocol: servicePort.appProtocol)
            }
        }
    }

    static func protocolOf(_ value: String?) -> String {
        guard let value, !value.isEmpty else { return "TCP" }
        return value
    }
}

/// A set of slice ports as a grouping key: Kubernetes keeps Pods with different resolved ports in different
/// slices (PortMapKey), whatever order the ports come in.
struct PortSetKey: Hashable, Comparable {
    let ports: [EndpointSlicePort]

    init(_ ports: [EndpointSlicePort]?) {
        self.ports = (ports ?? []).map {
            EndpointSlicePort(name: $0.name ?? "", protocol: PortResolver.protocolOf($0.protocol), port: $0.port,
                              appProtocol: $0.appProtocol)
        }.sorted { Self.describe($0) < Self.describe($1) }
    }

    static func describe(_ port: EndpointSlicePort) -> String {
        "\(port.name ?? "")/\(port.protocol ?? "")/\(port.port ?? 0)/\(port.appProtocol ?? "")"
    }

    static func < (lhs: PortSetKey, rhs: PortSetKey) -> Bool {
        lhs.ports.map(describe).joined(separator: ",") < rhs.ports.map(describe).joined(separator: ",")
    }
}
