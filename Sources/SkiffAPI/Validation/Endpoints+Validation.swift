// Kubernetes' ValidateEndpoints (create and update are the same rules).

extension Endpoints {
    public func validate() -> [FieldError] {
        var errors = metadata.validate(namespaced: true, names: .dns1123Subdomain)
        let subsetsPath = FieldPath.root("subsets")
        for (index, subset) in (subsets ?? []).enumerated() {
            let path = subsetsPath.index(index)
            let addresses = subset.addresses ?? [], notReady = subset.notReadyAddresses ?? []
            if addresses.isEmpty && notReady.isEmpty {
                errors.append(.required(path, "must specify `addresses` or `notReadyAddresses`"))
            }
            for (i, address) in addresses.enumerated() { errors += address.validate(path.child("addresses").index(i)) }
            for (i, address) in notReady.enumerated() { errors += address.validate(path.child("notReadyAddresses").index(i)) }
            errors += Self.validatePorts(subset.ports ?? [], path.child("ports"))
        }
        return errors
    }

    public func validateUpdate(from old: Endpoints) -> [FieldError] {
        metadata.validateUpdate(from: old.metadata) + validate()
    }

    /// Names are DNS-1123 labels, required once there are several ports, and (a Skiff addition, since a port
    /// is looked up by name) unique; numbers in range; a known protocol.
    static func validatePorts(_ ports: [EndpointPort], _ path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        var names: Set<String> = []
        for (index, port) in ports.enumerated() {
            let item = path.index(index)
            let name = port.name ?? ""
            if ports.count > 1 && name.isEmpty {
                errors.append(.required(item.child("name")))
            } else if !name.isEmpty {
                errors += Checks.dns1123Label(name, item.child("name"))
            }
            if !names.insert(name).inserted && !name.isEmpty { errors.append(.duplicate(item.child("name"), name)) }
            errors += Checks.portNumber(port.port, item.child("port"))
            errors += Checks.oneOf(port.protocol, Checks.protocols, item.child("protocol"))
            if let appProtocol = port.appProtocol { errors += Checks.qualifiedName(appProtocol, item.child("appProtocol")) }
        }
        return errors
    }
}

extension EndpointAddress {
    func validate(_ path: FieldPath) -> [FieldError] {
        var errors = IPChecks.validIP(ip, path.child("ip"))
        if let hostname, !hostname.isEmpty { errors += Checks.dns1123Label(hostname, path.child("hostname")) }
        if let nodeName { errors += Checks.dns1123Subdomain(nodeName, path.child("nodeName")) }
        return errors + IPChecks.nonSpecialIP(ip, path.child("ip"))
    }
}
