/// Field-level checks shared by every kind: each turns one of the `Validation.is...` message lists into FieldErrors
/// at a path, as Kubernetes' ValidateDNS1123Label, ValidateLabels and friends do.
enum Checks {
    static func each(_ messages: [String], _ value: String, _ path: FieldPath) -> [FieldError] {
        messages.map { .invalid(path, value, $0) }
    }

    static func dns1123Label(_ value: String, _ path: FieldPath) -> [FieldError] {
        each(Validation.isDNS1123Label(value), value, path)
    }

    static func dns1123Subdomain(_ value: String, _ path: FieldPath) -> [FieldError] {
        each(Validation.isDNS1123Subdomain(value), value, path)
    }

    static func qualifiedName(_ value: String, _ path: FieldPath) -> [FieldError] {
        each(Validation.isQualifiedName(value), value, path)
    }

    /// Keys must be qualified names and values label values; both errors point at the map itself, as in Kubernetes.
    /// Keys are visited in sorted order so the same object always gets the same errors in the same order.
    static func labels(_ labels: [String: String]?, _ path: FieldPath) -> [FieldError] {
        guard let labels else { return [] }
        var errors: [FieldError] = []
        for key in labels.keys.sorted() {
            errors += qualifiedName(key, path)
            let value = labels[key] ?? ""
            errors += each(Validation.isValidLabelValue(value), value, path)
        }
        return errors
    }

    /// A number or an IANA port name (targetPort, probe ports).
    static func portNumOrName(_ port: IntOrString?, _ path: FieldPath) -> [FieldError] {
        switch port ?? .int(0) {
        case .int(let number): Validation.isValidPortNum(number).map { .invalid(path, number, $0) }
        case .string(let name): each(Validation.isValidPortName(name), name, path)
        }
    }

    static func portNumber(_ port: Int, _ path: FieldPath) -> [FieldError] {
        Validation.isValidPortNum(port).map { .invalid(path, port, $0) }
    }

    /// Required when empty, else one of `supported` (listed in the order given, as Kubernetes lists them).
    static func oneOf(_ value: String?, _ supported: [String], _ path: FieldPath) -> [FieldError] {
        guard let value, !value.isEmpty else { return [.required(path)] }
        return supported.contains(value) ? [] : [.notSupported(path, value, supported)]
    }

    static func nonNegative<N: BinaryInteger>(_ value: N?, _ path: FieldPath) -> [FieldError] {
        guard let value, value < 0 else { return [] }
        return [.invalid(path, value, "must be greater than or equal to 0")]
    }

    /// Port protocols, sorted as Kubernetes' sets.List sorts them.
    static let protocols = ["SCTP", "TCP", "UDP"]
}

/// Conditions (Pod, Node, Service status): a type, unique within the list, and a status of True, False or Unknown.
enum ConditionChecks {
    static let statuses = ["False", "True", "Unknown"]

    /// `systemTypes` are Kubernetes' own condition types, exempt from the qualified-name rule custom types follow.
    static func validate(_ conditions: [(type: String, status: String)], _ path: FieldPath, systemTypes: Set<String> = []) -> [FieldError] {
        var errors: [FieldError] = []
        var seen: Set<String> = []
        for (index, condition) in conditions.enumerated() {
            let item = path.index(index)
            if condition.type.isEmpty {
                errors.append(.required(item.child("type")))
            } else {
                if !systemTypes.contains(condition.type) { errors += Checks.qualifiedName(condition.type, item.child("type")) }
                if !seen.insert(condition.type).inserted { errors.append(.duplicate(item.child("type"), condition.type)) }
            }
            errors += Checks.oneOf(condition.status, statuses, item.child("status"))
        }
        return errors
    }
}
