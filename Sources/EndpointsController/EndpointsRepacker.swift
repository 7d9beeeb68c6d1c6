import SkiffAPI

/// Kubernetes' RepackSubsets: expands subsets to (address, port, ready) facts and packs them back into the one
/// canonical layout, so that two Endpoints with the same facts compare equal whatever their layout.
enum EndpointsRepacker {
    struct Entry {
        var address: EndpointAddress
        /// Nil for a headless Service without ports.
        var port: EndpointPort?
        var ready: Bool
    }

    /// Addresses are the same when IP and Pod UID are (Kubernetes' addressKey).
    private struct AddressKey: Hashable {
        let ip: String
        let uid: String?
    }

    /// The canonical form of existing subsets (targetRef resourceVersions dropped, as Kubernetes ignores them).
    static func canonical(_ subsets: [EndpointSubset]) -> [EndpointSubset] {
        var entries: [Entry] = []
        for subset in subsets {
            let ports: [EndpointPort?] = (subset.ports ?? []).isEmpty ? [nil] : (subset.ports ?? []).map { $0 }
            for port in ports {
                for address in subset.addresses ?? [] { entries.append(Entry(address: address, port: port, ready: true)) }
                for address in subset.notReadyAddresses ?? [] { entries.append(Entry(address: address, port: port, ready: false)) }
            }
        }
        return repack(entries)
    }

    static func repack(_ entries: [Entry]) -> [EndpointSubset] {
        // Per port: which addresses offer it, and whether ready (not ready wins over ready).
        var addresses: [AddressKey: EndpointAddress] = [:]
        var byPort: [EndpointPort?: [AddressKey: Bool]] = [:]
        for entry in entries {
            var address = entry.address
            address.targetRef?.resourceVersion = nil
            let key = AddressKey(ip: address.ip, uid: address.targetRef?.uid)
            if addresses[key] == nil { addresses[key] = address }
            let wasReady = byPort[entry.port, default: [:]][key]
            if wasReady ?? true { byPort[entry.port, default: [:]][key] = entry.ready }
        }
        // Ports offered by the same addresses (with the same readiness) share a subset.
        var portsByAddressSet: [[AddressKey: Bool]: [EndpointPort?]] = [:]
        for (port, set) in byPort { portsByAddressSet[set, default: []].append(port) }
        let subsets = portsByAddressSet.map { set, ports in
            let sortedKeys = set.keys.sorted { ($0.ip, $0.uid ?? "") < ($1.ip, $1.uid ?? "") }
            let ready = sortedKeys.filter { set[$0] == true }.compactMap { addresses[$0] }
            let notReady = sortedKeys.filter { set[$0] == false }.compactMap { addresses[$0] }
            let realPorts = ports.compactMap { $0 }.sorted { describe($0) < describe($1) }
            return EndpointSubset(addresses: ready.isEmpty ? nil : ready, notReadyAddresses: notReady.isEmpty ? nil : notReady,
                                  ports: realPorts.isEmpty ? nil : realPorts)
        }
        return subsets.sorted { sortKey($0) < sortKey($1) }
    }

    private static func describe(_ port: EndpointPort) -> String {
        "\(port.name ?? "")/\(port.protocol ?? "")/\(port.port)/\(port.appProtocol ?? "")"
    }

    private static func sortKey(_ subset: EndpointSubset) -> String {
        let ports = (subset.ports ?? []).map(describe).joined(separator: ",")
        let first = subset.addresses?.first?.ip ?? subset.notReadyAddresses?.first?.ip ?? ""
        return ports + "|" + first
    }
}
