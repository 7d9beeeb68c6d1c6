// Kubernetes' ValidateNamespace, ValidateNamespaceUpdate and ValidateNamespaceStatusUpdate.

extension Namespace {
    static let phases = ["Active", "Terminating"]

    public func validate() -> [FieldError] {
        var errors = metadata.validate(namespaced: false, names: .dns1123Label)
        let path = FieldPath.root("spec").child("finalizers")
        for (index, finalizer) in (spec?.finalizers ?? []).enumerated() {
            errors += Self.validateFinalizerName(finalizer, path.index(index))
        }
        return errors
    }

    /// Validates an update; a changed status (update-status) must agree with deletionTimestamp.
    public func validateUpdate(from old: Namespace) -> [FieldError] {
        var errors = metadata.validateUpdate(from: old.metadata) + validate()
        if status != old.status { errors += validateStatus() }
        return errors
    }

    /// Active while the namespace lives, Terminating once it is being deleted.
    public func validateStatus() -> [FieldError] {
        let path = FieldPath.root("status").child("phase")
        let phase = status?.phase ?? ""
        if metadata.deletionTimestamp == nil {
            if phase != "Active" { return [.invalid(path, phase, "may only be 'Active' if `deletionTimestamp` is empty")] }
        } else if phase != "Terminating" {
            return [.invalid(path, phase, "may only be 'Terminating' if `deletionTimestamp` is not empty")]
        }
        return []
    }

    /// A qualified name; an unprefixed one must be Kubernetes' own `kubernetes` finalizer.
    static func validateFinalizerName(_ name: String, _ path: FieldPath) -> [FieldError] {
        var errors = Checks.qualifiedName(name, path)
        if !name.contains("/") && name != "kubernetes" {
            errors.append(.invalid(path, name, "name is neither a standard finalizer name nor is it fully qualified"))
        }
        return errors
    }
}
