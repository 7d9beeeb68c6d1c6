// Kubernetes' ValidateRole, ValidateClusterRole, ValidateRoleBinding, ValidateClusterRoleBinding and their updates
// (pkg/apis/rbac/validation). RBAC names are path segments (`system:node:node-1` is fine), not DNS names.

extension Role {
    public func validate() -> [FieldError] {
        RBACChecks.metadata(metadata, namespaced: true) + RBACChecks.rules(rules ?? [], namespaced: true)
    }

    public func validateUpdate(from old: Role) -> [FieldError] {
        metadata.validateUpdate(from: old.metadata) + validate()
    }
}

extension ClusterRole {
    public func validate() -> [FieldError] {
        RBACChecks.metadata(metadata, namespaced: false) + RBACChecks.rules(rules ?? [], namespaced: false)
    }

    public func validateUpdate(from old: ClusterRole) -> [FieldError] {
        metadata.validateUpdate(from: old.metadata) + validate()
    }
}

extension RoleBinding {
    public func validate() -> [FieldError] {
        RBACChecks.metadata(metadata, namespaced: true)
            + RBACChecks.roleRef(roleRef, kinds: ["Role", "ClusterRole"])
            + RBACChecks.subjects(subjects ?? [], namespaced: true)
    }

    public func validateUpdate(from old: RoleBinding) -> [FieldError] {
        metadata.validateUpdate(from: old.metadata) + validate() + RBACChecks.sameRoleRef(roleRef, old.roleRef)
    }
}

extension ClusterRoleBinding {
    public func validate() -> [FieldError] {
        RBACChecks.metadata(metadata, namespaced: false)
            + RBACChecks.roleRef(roleRef, kinds: ["ClusterRole"])
            + RBACChecks.subjects(subjects ?? [], namespaced: false)
    }

    public func validateUpdate(from old: ClusterRoleBinding) -> [FieldError] {
        metadata.validateUpdate(from: old.metadata) + validate() + RBACChecks.sameRoleRef(roleRef, old.roleRef)
    }
}

enum RBACChecks {
    /// Kubernetes' path.IsValidPathSegmentName, which ValidateRBACName is.
    static func pathSegmentName(_ name: String) -> [String] {
        if name == "." { return ["may not be '.'"] }
        if name == ".." { return ["may not be '..'"] }
        var messages: [String] = []
        if name.contains("/") { messages.append("may not contain '/'") }
        if name.contains("%") { messages.append("may not contain '%'") }
        return messages
    }

    /// ObjectMeta's checks with the RBAC name rule in place of the DNS rules.
    static func metadata(_ metadata: ObjectMeta, namespaced: Bool) -> [FieldError] {
        let path = FieldPath.root("metadata")
        var rest = metadata
        rest.name = "x"
        rest.generateName = nil
        var errors = rest.validate(namespaced: namespaced, names: .dns1123Subdomain)
        let name = metadata.name ?? "", generateName = metadata.generateName ?? ""
        if name.isEmpty {
            if generateName.isEmpty { errors.insert(.required(path.child("name"), "name or generateName is required"), at: 0) }
        } else {
            errors.insert(contentsOf: pathSegmentName(name).map { .invalid(path.child("name"), name, $0) }, at: 0)
        }
        if !generateName.isEmpty {
            errors.insert(contentsOf: pathSegmentName(generateName).map { .invalid(path.child("generateName"), generateName, $0) }, at: 0)
        }
        return errors
    }

    static func rules(_ rules: [PolicyRule], namespaced: Bool) -> [FieldError] {
        var errors: [FieldError] = []
        for (index, rule) in rules.enumerated() {
            let path = FieldPath.root("rules").index(index)
            if rule.verbs.isEmpty { errors.append(.required(path.child("verbs"), "verbs must contain at least one value")) }
            let urls = rule.nonResourceURLs ?? []
            if !urls.isEmpty {
                if namespaced {
                    errors.append(.invalid(path.child("nonResourceURLs"), urls, "namespaced rules cannot apply to non-resource URLs"))
                }
                if !(rule.apiGroups ?? []).isEmpty || !(rule.resources ?? []).isEmpty || !(rule.resourceNames ?? []).isEmpty {
                    errors.append(.invalid(path.child("nonResourceURLs"), urls, "rules cannot apply to both regular resources and non-resource URLs"))
                }
                continue
            }
            if (rule.apiGroups ?? []).isEmpty { errors.append(.required(path.child("apiGroups"), "resource rules must supply at least one api group")) }
            if (rule.resources ?? []).isEmpty { errors.append(.required(path.child("resources"), "resource rules must supply at least one resource")) }
        }
        return errors
    }

    static func roleRef(_ ref: RoleRef, kinds: [String]) -> [FieldError] {
        let path = FieldPath.root("roleRef")
        var errors: [FieldError] = []
        if ref.apiGroup != RBAC.group { errors.append(.notSupported(path.child("apiGroup"), ref.apiGroup, [RBAC.group])) }
        if !kinds.contains(ref.kind) { errors.append(.notSupported(path.child("kind"), ref.kind, kinds)) }
        if ref.name.isEmpty {
            errors.append(.required(path.child("name")))
        } else {
            errors += pathSegmentName(ref.name).map { .invalid(path.child("name"), ref.name, $0) }
        }
        return errors
    }

    /// Kubernetes' ValidateRoleBindingSubject.
    static func subjects(_ subjects: [Subject], namespaced: Bool) -> [FieldError] {
        var errors: [FieldError] = []
        for (index, subject) in subjects.enumerated() {
            let path = FieldPath.root("subjects").index(index)
            if subject.name.isEmpty { errors.append(.required(path.child("name"))) }
            switch subject.kind {
            case Subject.serviceAccount:
                if !subject.name.isEmpty { errors += Checks.dns1123Subdomain(subject.name, path.child("name")) }
                if let group = subject.apiGroup, !group.isEmpty { errors.append(.notSupported(path.child("apiGroup"), group, [""])) }
                if !namespaced && (subject.namespace ?? "").isEmpty { errors.append(.required(path.child("namespace"))) }
            case Subject.user, Subject.group:
                if subject.apiGroup != RBAC.group { errors.append(.notSupported(path.child("apiGroup"), subject.apiGroup ?? "", [RBAC.group])) }
            default:
                errors.append(.notSupported(path.child("kind"), subject.kind, [Subject.serviceAccount, Subject.user, Subject.group]))
            }
        }
        return errors
    }

    static func sameRoleRef(_ new: RoleRef, _ old: RoleRef) -> [FieldError] {
        guard new != old else { return [] }
        let rendered = "rbac.RoleRef{APIGroup:\(FieldError.goQuoted(new.apiGroup)), Kind:\(FieldError.goQuoted(new.kind)), Name:\(FieldError.goQuoted(new.name))}"
        return [.invalid(.root("roleRef"), rendered: rendered, "cannot change roleRef")]
    }
}
