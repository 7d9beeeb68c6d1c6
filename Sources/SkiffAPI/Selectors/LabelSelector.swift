/// metav1.LabelSelector, as it appears in manifests: requirements that all must hold. An empty selector
/// matches everything.
public struct LabelSelector: Codable, Sendable, Equatable, Hashable {
    public var matchLabels: [String: String]?
    public var matchExpressions: [LabelSelectorRequirement]?

    public init(matchLabels: [String: String]? = nil, matchExpressions: [LabelSelectorRequirement]? = nil) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }

    /// Kubernetes' ValidateLabelSelector: label keys and values valid; In and NotIn need values, Exists and
    /// DoesNotExist forbid them.
    public func validate(at path: FieldPath) -> [FieldError] {
        var errors = Checks.labels(matchLabels, path.child("matchLabels"))
        for (index, requirement) in (matchExpressions ?? []).enumerated() {
            errors += requirement.validate(at: path.child("matchExpressions").index(index))
        }
        return errors
    }
}

/// One `matchExpressions` entry: `key`, an `operator` (In, NotIn, Exists, DoesNotExist) and `values`.
public struct LabelSelectorRequirement: Codable, Sendable, Equatable, Hashable {
    public static let operators = ["In", "NotIn", "Exists", "DoesNotExist"]

    public var key: String
    public var `operator`: String
    public var values: [String]?

    public init(key: String, operator: String, values: [String]? = nil) {
        self.key = key
        self.operator = `operator`
        self.values = values
    }

    public func validate(at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        let values = self.values ?? []
        switch `operator` {
        case "In", "NotIn":
            if values.isEmpty { errors.append(.required(path.child("values"), "must be specified when `operator` is 'In' or 'NotIn'")) }
        case "Exists", "DoesNotExist":
            if !values.isEmpty { errors.append(.forbidden(path.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")) }
        default:
            errors.append(.invalid(path.child("operator"), `operator`, "not a valid selector operator"))
        }
        errors += Checks.qualifiedName(key, path.child("key"))
        for (index, value) in values.enumerated() {
            errors += Checks.each(Validation.isValidLabelValue(value), value, path.child("values").index(index))
        }
        return errors
    }
}
