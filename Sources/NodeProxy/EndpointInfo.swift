import SkiffAPI

/// One backend of one Service port, projected from an EndpointSlice (kube-proxy's `BaseEndpointInfo`).
public struct EndpointInfo: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var ip: String
    public var port: Int
    public var ready: Bool
    public var serving: Bool
    public var terminating: Bool
    /// The node the endpoint runs on, when the slice says.
    public var nodeName: String?

    public init(ip: String, port: Int, ready: Bool = true, serving: Bool? = nil, terminating: Bool = false, nodeName: String? = nil) {
        self.ip = ip
        self.port = port
        self.ready = ready
        self.serving = serving ?? ready
        self.terminating = terminating
        self.nodeName = nodeName
    }

    /// `ip:port`, bracketed for IPv6.
    public var description: String { ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)" }

    public static func < (a: Self, b: Self) -> Bool { (a.ip, a.port) < (b.ip, b.port) }
}

extension EndpointInfo {
    /// The endpoints `slice` gives each port of its Service, keyed by the Service port they serve.
    ///
    /// A slice port matches the Service port of the same name and protocol (the endpoints controller copies
    /// them). As in EndpointSlice semantics, a nil `ready` means ready, a nil `serving` means `ready`, and a nil
    /// `terminating` means not terminating. FQDN slices carry no IPs and give nothing.
    public static func endpoints(of slice: EndpointSlice) -> [ServicePortName: [EndpointInfo]] {
        guard let service = slice.metadata.labels?[EndpointSlice.serviceNameLabel], !service.isEmpty,
              slice.addressType == "IPv4" || slice.addressType == "IPv6" else { return [:] }
        var result: [ServicePortName: [EndpointInfo]] = [:]
        for port in slice.ports ?? [] {
            guard let number = port.port, let proto = TransportProtocol(kubernetes: port.protocol) else { continue }
            let name = ServicePortName(namespace: slice.namespace, name: service, port: port.name ?? "", protocol: proto)
            var list: [EndpointInfo] = []
            for endpoint in slice.endpoints {
                guard let ip = endpoint.addresses.first else { continue }
                let ready = endpoint.conditions?.ready ?? true
                list.append(EndpointInfo(
                    ip: ip, port: number, ready: ready, serving: endpoint.conditions?.serving ?? ready,
                    terminating: endpoint.conditions?.terminating ?? false, nodeName: endpoint.nodeName))
            }
            result[name] = list
        }
        return result
    }
}
