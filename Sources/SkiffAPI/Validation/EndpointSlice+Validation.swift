// Kubernetes' discovery validation: ValidateEndpointSlice and ValidateEndpointSliceUpdate.

extension EndpointSlice {
    static let addressTypes = ["FQDN", "IPv4", "IPv6"]
    static let maxEndpoints = 1000
    static let maxAddresses = 100
    static let maxPorts = 100

    public func validate() -> [FieldError] {
        var errors = metadata.validate(namespaced: true, names: .dns1123Subdomain)
        errors += Checks.oneOf(addressType, Self.addressTypes, .root("addressType"))
        errors += validateEndpoints(.root("endpoints"))
        errors += validatePorts(.root("ports"))
        return errors
    }

    /// addressType is fixed for the life of a slice.
    public func validateUpdate(from old: EndpointSlice) -> [FieldError] {
        var errors = metadata.validateUpdate(from: old.metadata) + validate()
        if addressType != old.addressType { errors.append(.invalid(.root("addressType"), addressType, FieldError.immutable)) }
        return errors
    }

    private func validateEndpoints(_ path: FieldPath) -> [FieldError] {
        if endpoints.count > Self.maxEndpoints { return [.tooMany(path, endpoints.count, Self.maxEndpoints)] }
        var errors: [FieldError] = []
        for (index, endpoint) in endpoints.enumerated() {
            let item = path.index(index), addressesPath = item.child("addresses")
            if endpoint.addresses.isEmpty {
                errors.append(.required(addressesPath, "must contain at least 1 address"))
            } else if endpoint.addresses.count > Self.maxAddresses {
                errors.append(.tooMany(addressesPath, endpoint.addresses.count, Self.maxAddresses))
            }
            for (i, address) in endpoint.addresses.enumerated() {
                errors += Self.validateAddress(address, type: addressType, addressesPath.index(i))
            }
            if let hostname = endpoint.hostname { errors += Checks.dns1123Label(hostname, item.child("hostname")) }
            if let nodeName = endpoint.nodeName { errors += Checks.dns1123Subdomain(nodeName, item.child("nodeName")) }
        }
        return errors
    }

    /// Addresses of an unknown type are not checked (the type itself is reported), as in Kubernetes.
    static func validateAddress(_ address: String, type: String, _ path: FieldPath) -> [FieldError] {
        switch type {
        case "IPv4":
            return Validation.isValidIPv4Address(address).map { .invalid(path, address, $0) } + IPChecks.nonSpecialIP(address, path)
        case "IPv6":
            return Validation.isValidIPv6Address(address).map { .invalid(path, address, $0) } + IPChecks.nonSpecialIP(address, path)
        case "FQDN":
            return fullyQualifiedDomainName(address, path)
        default:
            return []
        }
    }

    /// Kubernetes' IsFullyQualifiedDomainName: a subdomain of at least two labels, an optional trailing dot.
    static func fullyQualifiedDomainName(_ name: String, _ path: FieldPath) -> [FieldError] {
        var trimmed = name
        if trimmed.hasSuffix(".") { trimmed.removeLast() }
        if trimmed.isEmpty { return [.required(path)] }
        let messages = Validation.isDNS1123Subdomain(trimmed)
        if !messages.isEmpty { return [.invalid(path, trimmed, messages.joined(separator: ","))] }
        if !trimmed.contains(".") { return [.invalid(path, trimmed, "should be a domain with at least two segments separated by dots")] }
        return []
    }

    private func validatePorts(_ path: FieldPath) -> [FieldError] {
        let ports = self.ports ?? []
        if ports.count > Self.maxPorts { return [.tooMany(path, ports.count, Self.maxPorts)] }
        var errors: [FieldError] = []
        var names: Set<String> = []
        for (index, port) in ports.enumerated() {
            let item = path.index(index)
            let name = port.name ?? ""
            if !name.isEmpty { errors += Checks.dns1123Label(name, item.child("name")) }
            if !names.insert(name).inserted { errors.append(.duplicate(item.child("name"), name)) }
            errors += Checks.oneOf(port.protocol, Checks.protocols, item.child("protocol"))
            if let number = port.port { errors += Checks.portNumber(number, item.child("port")) }
            if let appProtocol = port.appProtocol { errors += Checks.qualifiedName(appProtocol, item.child("appProtocol")) }
        }
        return errors
    }
}
