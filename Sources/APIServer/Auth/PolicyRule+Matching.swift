import SkiffAPI

/// Kubernetes' RBAC rule matching (plugin/pkg/auth/authorizer/rbac/rbac.go `RuleAllows` and pkg/apis/rbac
/// helpers): `*` matches every verb, group, resource or path; `*/status` every resource's status subresource;
/// `resourceNames` restricts a rule to those objects (so it never matches a create or a list, whose name is "");
/// a non-resource URL ending in `*` matches by prefix.
extension PolicyRule {
    public func allows(_ request: RequestAttributes) -> Bool {
        guard Self.matches(verbs, request.verb) else { return false }
        if let path = request.path {
            return (nonResourceURLs ?? []).contains { $0 == "*" || $0 == path || ($0.hasSuffix("*") && path.hasPrefix($0.dropLast())) }
        }
        guard Self.matches(apiGroups ?? [], request.apiGroup), resourceMatches(request) else { return false }
        let names = resourceNames ?? []
        return names.isEmpty || (!request.name.isEmpty && names.contains(request.name))
    }

    private static func matches(_ values: [String], _ wanted: String) -> Bool {
        values.contains { $0 == "*" || $0 == wanted }
    }

    private func resourceMatches(_ request: RequestAttributes) -> Bool {
        let combined = request.qualifiedResource
        for resource in resources ?? [] {
            if resource == "*" || resource == combined { return true }
            if !request.subresource.isEmpty, resource == "*/" + request.subresource { return true }
        }
        return false
    }
}
