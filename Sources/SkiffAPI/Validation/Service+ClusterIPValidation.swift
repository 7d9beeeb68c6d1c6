// clusterIP, clusterIPs, ipFamilies and ipFamilyPolicy: Kubernetes' ValidateServiceClusterIPsRelatedFields and
// the update rules, run on a copy normalized the way the Service registry strategy normalizes before validating.

extension Service {
    /// Validates an update: metadata identity, the clusterIP staying put, then the new object in full.
    /// A changed status (update-status) is validated too.
    public func validateUpdate(from old: Service) -> [FieldError] {
        var service = self
        service.patchAllocatedValues(from: old)
        service.normalizeClusterIPs(from: old)
        var errors = metadata.validateUpdate(from: old.metadata)
        errors += service.validateClusterIPChange(from: old)
        errors += service.validateIPFamiliesChange(from: old)
        if old.needsHealthCheck && service.needsHealthCheck && service.spec?.healthCheckNodePort != old.spec?.healthCheckNodePort {
            errors.append(.forbidden(FieldPath.root("spec").child("healthCheckNodePort"), FieldError.immutable))
        }
        errors += service.validateNormalized()
        if service.status != old.status { errors += service.validateStatus() }
        return errors
    }

    /// An update that leaves out what the server allocated keeps it (Kubernetes' patchAllocatedValues), so
    /// re-applying the original manifest is not a change of clusterIP.
    mutating func patchAllocatedValues(from old: Service) {
        guard var spec, let oldSpec = old.spec else { return }
        if serviceType != ServiceType.externalName && old.serviceType != ServiceType.externalName {
            if spec.clusterIP?.isEmpty ?? true { spec.clusterIP = oldSpec.clusterIP }
            if spec.clusterIPs?.isEmpty ?? true, !(oldSpec.clusterIPs?.isEmpty ?? true) { spec.clusterIPs = oldSpec.clusterIPs }
        }
        if old.needsHealthCheck && needsHealthCheck && (spec.healthCheckNodePort ?? 0) == 0 {
            spec.healthCheckNodePort = oldSpec.healthCheckNodePort
        }
        self.spec = spec
    }

    /// Kubernetes' NormalizeClusterIPs: a client that sets only clusterIP gets clusterIPs to match.
    mutating func normalizeClusterIPs(from old: Service?) {
        guard var spec else { return }
        let clusterIP = spec.clusterIP ?? "", clusterIPs = spec.clusterIPs ?? []
        if let oldSpec = old?.spec {
            let oldIP = oldSpec.clusterIP ?? "", oldIPs = oldSpec.clusterIPs ?? []
            let sameIPs = clusterIPs == oldIPs
            if !oldIPs.isEmpty && clusterIPs.isEmpty && oldIP == clusterIP {
                spec.clusterIPs = oldIPs
            }
            if oldIP != clusterIP {
                if !oldIP.isEmpty && clusterIP.isEmpty {
                    if sameIPs { spec.clusterIPs = nil }
                } else if sameIPs {
                    spec.clusterIPs = [clusterIP]
                }
            }
        } else if !clusterIP.isEmpty && clusterIPs.isEmpty {
            spec.clusterIPs = [clusterIP]
        }
        self.spec = spec
    }

    func validateClusterIPsRelatedFields() -> [FieldError] {
        guard let spec, spec.type != ServiceType.externalName else { return [] }
        let specPath = FieldPath.root("spec")
        let ipsPath = specPath.child("clusterIPs"), familiesPath = specPath.child("ipFamilies")
        let clusterIP = spec.clusterIP ?? "", clusterIPs = spec.clusterIPs ?? [], families = spec.ipFamilies ?? []
        var errors: [FieldError] = []
        if !clusterIP.isEmpty {
            if clusterIPs.isEmpty {
                errors.append(.required(ipsPath))
            } else if clusterIPs[0] != clusterIP {
                errors.append(.invalid(ipsPath, clusterIPs, "first value must match `clusterIP`"))
            }
        } else if !clusterIPs.isEmpty {
            errors.append(.invalid(ipsPath, clusterIPs, "must be empty when `clusterIP` is not specified"))
        }
        var seenFamilies: Set<String> = []
        for (index, family) in families.enumerated() {
            if !Self.ipFamilies.contains(family) { errors.append(.notSupported(familiesPath.index(index), family, Self.ipFamilies)) }
            if !seenFamilies.insert(family).inserted { errors.append(.duplicate(familiesPath.index(index), family)) }
        }
        if let policy = spec.ipFamilyPolicy, !Self.ipFamilyPolicies.contains(policy) {
            errors.append(.notSupported(specPath.child("ipFamilyPolicy"), policy, Self.ipFamilyPolicies))
        }
        var parsed: [IPAddress] = []
        var hasInvalidIPs = false
        for (index, ip) in clusterIPs.enumerated() {
            if index == 0 && ip == Self.headlessClusterIP {
                if clusterIPs.count > 1 {
                    hasInvalidIPs = true
                    errors.append(.invalid(ipsPath, clusterIPs, "'None' must be the first and only value"))
                }
                continue
            }
            if let address = IPAddress(ip) {
                parsed.append(address)
            } else {
                hasInvalidIPs = true
                errors += IPChecks.validIP(ip, ipsPath.index(index))
            }
        }
        if clusterIPs.count > 2 { errors.append(.invalid(ipsPath, clusterIPs, "may only hold up to 2 values")) }
        // A bad address would skew the checks below, as Kubernetes notes; stop here.
        if hasInvalidIPs { return errors }
        if clusterIPs.count > 1 && !IPChecks.isDualStack(parsed.map(\.family)) {
            errors.append(.invalid(ipsPath, clusterIPs, "may specify no more than one IP for each IP family"))
        }
        if !hasHeadlessClusterIPs && !families.isEmpty {
            for (index, address) in parsed.enumerated() where index < families.count {
                if families[index] == "IPv4" && address.family == .ipv6 {
                    errors.append(.invalid(ipsPath.index(index), clusterIPs[index], "expected an IPv4 value as indicated by `ipFamilies[\(index)]`"))
                }
                if families[index] == "IPv6" && address.family != .ipv6 {
                    errors.append(.invalid(ipsPath.index(index), clusterIPs[index], "expected an IPv6 value as indicated by `ipFamilies[\(index)]`"))
                }
            }
        }
        return errors
    }

    /// The primary clusterIP never changes once set (`spec.clusterIP: Invalid value: "...": field is immutable`,
    /// Kubernetes' wording for the field clients set); a secondary one may be added or released, not changed.
    /// A change of type to or from ExternalName drops or allocates the IP, so anything goes then.
    func validateClusterIPChange(from old: Service) -> [FieldError] {
        guard serviceType != ServiceType.externalName, old.serviceType != ServiceType.externalName,
              !(hasHeadlessClusterIPs && old.hasHeadlessClusterIPs)
        else { return [] }
        let specPath = FieldPath.root("spec")
        let oldIP = old.spec?.clusterIP ?? "", newIP = spec?.clusterIP ?? ""
        if !oldIP.isEmpty && newIP != oldIP {
            return [.invalid(specPath.child("clusterIP"), newIP, FieldError.immutable)]
        }
        let oldIPs = old.spec?.clusterIPs ?? [], newIPs = spec?.clusterIPs ?? []
        var errors: [FieldError] = []
        if oldIPs.count == newIPs.count {
            for index in oldIPs.indices.dropFirst() where oldIPs[index] != newIPs[index] {
                errors.append(.invalid(specPath.child("clusterIPs").index(index), newIPs, "may not change once set"))
            }
        } else if oldIPs.count > newIPs.count && newIPs.count == 1 && spec?.ipFamilyPolicy != "SingleStack" {
            errors.append(.invalid(specPath.child("ipFamilyPolicy"), rendered: Self.rendered(spec?.ipFamilyPolicy),
                "must be set to 'SingleStack' when releasing the secondary clusterIP"))
        }
        return errors
    }

    /// The primary IP family never changes; a secondary one may be added or released.
    func validateIPFamiliesChange(from old: Service) -> [FieldError] {
        guard serviceType != ServiceType.externalName, old.serviceType != ServiceType.externalName,
              hasHeadlessClusterIPs == old.hasHeadlessClusterIPs, !hasHeadlessClusterIPs
        else { return [] }
        let path = FieldPath.root("spec").child("ipFamilies")
        let oldFamilies = old.spec?.ipFamilies ?? [], newFamilies = spec?.ipFamilies ?? []
        var errors: [FieldError] = []
        if oldFamilies.count == newFamilies.count {
            for index in oldFamilies.indices where oldFamilies[index] != newFamilies[index] {
                errors.append(.invalid(path.index(index), newFamilies, "may not change once set"))
            }
        } else if oldFamilies.count > newFamilies.count {
            if let first = newFamilies.first, first != oldFamilies[0] {
                errors.append(.invalid(path.index(0), newFamilies, "may not change once set"))
            }
            if newFamilies.count == 1 && spec?.ipFamilyPolicy != "SingleStack" {
                errors.append(.invalid(FieldPath.root("spec").child("ipFamilyPolicy"), rendered: Self.rendered(spec?.ipFamilyPolicy),
                    "must be set to 'SingleStack' when releasing the secondary ipFamily"))
            }
        } else if let first = oldFamilies.first, newFamilies[0] != first {
            errors.append(.invalid(path.index(0), newFamilies, "may not change once set"))
        }
        return errors
    }

    /// An optional string as Kubernetes prints a `*string`: quoted, or `null`.
    static func rendered(_ value: String?) -> String { value.map(FieldError.goQuoted) ?? "null" }
}
