// Kubernetes' ValidateLease: durations positive, transitions not negative.

extension Lease {
    public func validate() -> [FieldError] {
        var errors = metadata.validate(namespaced: true, names: .dns1123Subdomain)
        let specPath = FieldPath.root("spec")
        if let duration = spec?.leaseDurationSeconds, duration <= 0 {
            errors.append(.invalid(specPath.child("leaseDurationSeconds"), duration, "must be greater than 0"))
        }
        if let transitions = spec?.leaseTransitions, transitions < 0 {
            errors.append(.invalid(specPath.child("leaseTransitions"), transitions, "must be greater than or equal to 0"))
        }
        return errors
    }

    public func validateUpdate(from old: Lease) -> [FieldError] {
        metadata.validateUpdate(from: old.metadata) + validate()
    }
}
