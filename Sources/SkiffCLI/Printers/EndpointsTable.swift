import Foundation
import SkiffAPI

/// `get endpoints`: NAME ENDPOINTS AGE (kubectl's printEndpoints).
public enum EndpointsTable {
    public static let columns = ["NAME", "ENDPOINTS", "AGE"]

    public static func row(_ endpoints: Endpoints, now: Date) -> [String] {
        [endpoints.name, format(endpoints), Age.since(endpoints.metadata.creationTimestamp, now: now)]
    }

    /// kubectl's formatEndpoints: ready `ip:port` pairs, the first three, then `+ N more...`; `<none>` when empty.
    /// `ports` limits the ports to those names (describe's per-port Endpoints line); nil takes all.
    public static func format(_ endpoints: Endpoints?, ports: Set<String>? = nil) -> String {
        guard let subsets = endpoints?.subsets, !subsets.isEmpty else { return "<none>" }
        let max = 3
        var list: [String] = []
        var more = false
        var count = 0
        for subset in subsets {
            let addresses = subset.addresses ?? []
            guard let subsetPorts = subset.ports, !subsetPorts.isEmpty else {
                // Headless services may have no ports.
                count += addresses.count
                for address in addresses {
                    if list.count == max { more = true; break }
                    list.append(address.ip)
                }
                continue
            }
            for port in subsetPorts where ports == nil || ports!.contains(port.name ?? "") {
                count += addresses.count
                for address in addresses {
                    if list.count == max { more = true; break }
                    list.append(Text.hostPort(address.ip, port.port))
                }
            }
        }
        let text = list.joined(separator: ",")
        if more { return "\(text) + \(count - max) more..." }
        return text.isEmpty ? "<none>" : text
    }
}

/// `get endpointslices`: NAME ADDRESSTYPE PORTS ENDPOINTS AGE (kubectl's printEndpointSlice).
public enum EndpointSliceTable {
    public static let columns = ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"]

    public static func row(_ slice: EndpointSlice, now: Date) -> [String] {
        [slice.name, slice.addressType, ports(slice.ports ?? []), endpoints(slice.endpoints), Age.since(slice.metadata.creationTimestamp, now: now)]
    }

    /// Port numbers (the name when there is none, `*` without either), three at most; `<unset>` when empty.
    public static func ports(_ ports: [EndpointSlicePort]) -> String {
        withMore(ports.map { port in port.port.map(String.init) ?? port.name ?? "*" })
    }

    /// Every endpoint's addresses, three at most; `<unset>` when empty.
    public static func endpoints(_ endpoints: [Endpoint]) -> String {
        withMore(endpoints.flatMap(\.addresses))
    }

    /// kubectl's listWithMoreString.
    static func withMore(_ all: [String]) -> String {
        let max = 3
        let text = all.prefix(max).joined(separator: ",")
        if all.count > max { return "\(text) + \(all.count - max) more..." }
        return text.isEmpty ? "<unset>" : text
    }
}
