import Foundation

// Kubernetes' ValidatePodUpdate: a Pod's spec is fixed once created, except container images, a shrinking
// activeDeadlineSeconds and added tolerations. Binding (setting nodeName) is not an update in Kubernetes either.

extension Pod {
    /// Kubernetes' list, word for word, as it appears in the error.
    static let updatablePodSpecFields = [
        "`spec.containers[*].image`",
        "`spec.initContainers[*].image`",
        "`spec.activeDeadlineSeconds`",
        "`spec.tolerations` (only additions to existing tolerations)",
        "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
    ]

    /// Validates an update (metadata identity, the new object in full, what may change in the spec) and, when the
    /// status differs, the new status (an update-status request).
    public func validateUpdate(from old: Pod) -> [FieldError] {
        var errors = metadata.validateUpdate(from: old.metadata) + validate()
        errors += validateSpecUpdate(from: old.spec ?? PodSpec(containers: []))
        if status != old.status { errors += validateStatus() }
        return errors
    }

    func validateSpecUpdate(from previous: PodSpec) -> [FieldError] {
        let specPath = FieldPath.root("spec")
        let new = spec ?? PodSpec(containers: [])
        if new.containers.count != previous.containers.count {
            return [.forbidden(specPath.child("containers"), "pod updates may not add or remove containers")]
        }
        if (new.initContainers ?? []).count != (previous.initContainers ?? []).count {
            return [.forbidden(specPath.child("initContainers"), "pod updates may not add or remove containers")]
        }
        var errors: [FieldError] = []
        let deadlinePath = specPath.child("activeDeadlineSeconds")
        if let deadline = new.activeDeadlineSeconds {
            if deadline < 0 || deadline > Int64(Int32.max) {
                return [.invalid(deadlinePath, deadline, Validation.inclusiveRangeError(0, Int(Int32.max)))]
            }
            if let oldDeadline = previous.activeDeadlineSeconds, oldDeadline < deadline {
                return [.invalid(deadlinePath, deadline, "must be less than or equal to previous value")]
            }
        } else if previous.activeDeadlineSeconds != nil {
            errors.append(.invalid(deadlinePath, rendered: "null", "must not update from a positive integer to nil value"))
        }
        errors += Self.validateOnlyAddedTolerations(new.tolerations ?? [], previous.tolerations ?? [], specPath.child("tolerations"))
        if new == previous { return errors }

        var munged = new
        for index in munged.containers.indices { munged.containers[index].image = previous.containers[index].image }
        if let oldInit = previous.initContainers, munged.initContainers != nil {
            for index in oldInit.indices { munged.initContainers?[index].image = oldInit[index].image }
        }
        munged.activeDeadlineSeconds = previous.activeDeadlineSeconds
        munged.tolerations = previous.tolerations
        if let grace = previous.terminationGracePeriodSeconds, grace < 0, munged.terminationGracePeriodSeconds == 1 {
            munged.terminationGracePeriodSeconds = grace
        }
        if munged != previous {
            let changes = SpecDiff.lines(from: previous, to: munged, root: "spec")
            errors.append(.forbidden(specPath, "pod updates may not change fields other than "
                + Self.updatablePodSpecFields.joined(separator: ",") + (changes.isEmpty ? "" : "\n" + changes.joined(separator: "\n"))))
        }
        return errors
    }

    /// Every old toleration must still be there; only its tolerationSeconds may change.
    static func validateOnlyAddedTolerations(_ new: [JSONValue], _ old: [JSONValue], _ path: FieldPath) -> [FieldError] {
        func withoutSeconds(_ value: JSONValue) -> JSONValue {
            guard case .object(var fields) = value else { return value }
            fields["tolerationSeconds"] = nil
            return .object(fields)
        }
        let kept = Set(new.map(withoutSeconds))
        guard old.allSatisfy({ kept.contains(withoutSeconds($0)) }) else {
            return [.forbidden(path, "existing toleration can not be modified except its tolerationSeconds")]
        }
        return []
    }
}

/// What changed between two values, as `spec.nodeName: "a" -> "b"` lines: Kubernetes appends a diff to the
/// "may not change" error so the user sees which field it was.
enum SpecDiff {
    static let maxLines = 10

    static func lines<T: Encodable>(from old: T, to new: T, root: String) -> [String] {
        guard let before = json(old), let after = json(new) else { return [] }
        var lines: [String] = []
        collect(before, after, root, &lines)
        if lines.count > maxLines { return Array(lines.prefix(maxLines)) + ["  ..."] }
        return lines
    }

    private static func json<T: Encodable>(_ value: T) -> JSONValue? {
        guard let data = try? JSONEncoder().encode(value) else { return nil }
        return try? JSONDecoder().decode(JSONValue.self, from: data)
    }

    private static func collect(_ old: JSONValue?, _ new: JSONValue?, _ path: String, _ lines: inout [String]) {
        switch (old, new) {
        case (.object(let a)?, .object(let b)?):
            for key in Set(a.keys).union(b.keys).sorted() { collect(a[key], b[key], path + "." + key, &lines) }
        case (.array(let a)?, .array(let b)?) where a.count == b.count:
            for index in a.indices { collect(a[index], b[index], path + "[\(index)]", &lines) }
        default:
            if old != new { lines.append("  \(path): \(render(old)) -> \(render(new))") }
        }
    }

    private static func render(_ value: JSONValue?) -> String {
        guard let value else { return "<unset>" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value), let text = String(data: data, encoding: .utf8) else { return "?" }
        return text
    }
}
