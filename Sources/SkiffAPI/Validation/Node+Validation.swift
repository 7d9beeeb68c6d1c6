// Kubernetes' ValidateNode and ValidateNodeUpdate for the fields Skiff models (taints stay raw JSON).

extension Node {
    static let addressTypes = ["ExternalDNS", "ExternalIP", "Hostname", "InternalDNS", "InternalIP"]
    static let systemConditionTypes: Set<String> = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable"]

    public func validate() -> [FieldError] {
        var errors = metadata.validate(namespaced: false, names: .dns1123Subdomain)
        let specPath = FieldPath.root("spec")
        if let cidr = spec?.podCIDR, !cidr.isEmpty { errors += IPChecks.validCIDR(cidr, specPath.child("podCIDR")) }
        let cidrs = spec?.podCIDRs ?? [], cidrsPath = specPath.child("podCIDRs")
        var families: [IPAddress.Family] = []
        for (index, cidr) in cidrs.enumerated() {
            if let parsed = CIDR(cidr) { families.append(parsed.address.family) } else { errors += IPChecks.validCIDR(cidr, cidrsPath.index(index)) }
        }
        if cidrs.count > 1 {
            if !IPChecks.isDualStack(families) || cidrs.count > 2 {
                errors.append(.invalid(cidrsPath, cidrs, "may specify no more than one CIDR for each IP family"))
            }
            var seen: Set<String> = []
            for (index, cidr) in cidrs.enumerated() where !seen.insert(cidr).inserted { errors.append(.duplicate(cidrsPath.index(index), cidr)) }
        }
        return errors + validateStatus()
    }

    /// podCIDRs and providerID may be set once, never changed; the status is validated when it changes.
    public func validateUpdate(from old: Node) -> [FieldError] {
        var errors = metadata.validateUpdate(from: old.metadata) + validate()
        let specPath = FieldPath.root("spec")
        let oldCIDRs = old.spec?.podCIDRs ?? [], newCIDRs = spec?.podCIDRs ?? []
        let cidrChanged = (!oldCIDRs.isEmpty && oldCIDRs != newCIDRs)
            || (!(old.spec?.podCIDR ?? "").isEmpty && old.spec?.podCIDR != spec?.podCIDR)
        if cidrChanged {
            errors.append(.forbidden(specPath.child("podCIDRs"), "node updates may not change podCIDR except from \"\" to valid"))
        }
        if let providerID = old.spec?.providerID, !providerID.isEmpty, providerID != spec?.providerID {
            errors.append(.forbidden(specPath.child("providerID"), "node updates may not change providerID except from \"\" to valid"))
        }
        return errors
    }

    /// Addresses of a known type (IP types holding an IP), none listed twice; well-formed conditions.
    func validateStatus() -> [FieldError] {
        let statusPath = FieldPath.root("status"), addressesPath = statusPath.child("addresses")
        var errors: [FieldError] = []
        var seen: Set<String> = []
        for (index, address) in (status?.addresses ?? []).enumerated() {
            let item = addressesPath.index(index)
            if !Self.addressTypes.contains(address.type) {
                errors.append(.notSupported(item.child("type"), address.type, Self.addressTypes))
            } else if address.type.hasSuffix("IP") {
                errors += IPChecks.validIP(address.address, item.child("address"))
            }
            if !seen.insert(address.type + "/" + address.address).inserted {
                errors.append(.duplicate(item, rendered: "{type: \(address.type), address: \(address.address)}"))
            }
        }
        errors += ConditionChecks.validate((status?.conditions ?? []).map { ($0.type, $0.status) }, statusPath.child("conditions"),
                                           systemTypes: Self.systemConditionTypes)
        return errors
    }
}
