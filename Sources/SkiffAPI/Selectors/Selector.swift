/// A compiled label selector (Kubernetes' labels.Selector): requirements that must all hold, kept sorted by
/// key as apimachinery keeps them, so equal selectors print the same.
public struct Selector: Sendable, Hashable, CustomStringConvertible {
    /// One condition on one label (Kubernetes' labels.Requirement).
    public struct Requirement: Sendable, Hashable, CustomStringConvertible {
        /// Raw values are Kubernetes' selection.Operator values.
        public enum Operator: String, Sendable, CaseIterable {
            case equals = "="
            case doubleEquals = "=="
            case notEquals = "!="
            case `in` = "in"
            case notIn = "notin"
            case exists = "exists"
            case doesNotExist = "!"
            case greaterThan = "gt"
            case lessThan = "lt"
        }

        public let key: String
        public let `operator`: Operator
        /// Sorted and without duplicates for `in` and `notin` (a set); one value for the comparisons; none else.
        public let values: [String]

        /// Kubernetes' NewRequirement: a valid key, valid values, and as many values as the operator takes.
        public init(key: String, operator: Operator, values: [String] = []) throws(SelectorError) {
            var problems: [FieldError] = []
            let keyMessages = Validation.isQualifiedName(key)
            if !keyMessages.isEmpty { problems.append(.invalid(.root("key"), key, keyMessages.joined(separator: "; "))) }
            let valuesPath = FieldPath.root("values")
            switch `operator` {
            case .in, .notIn:
                if values.isEmpty { problems.append(.invalid(valuesPath, values, "for 'in', 'notin' operators, values set can't be empty")) }
            case .equals, .doubleEquals, .notEquals:
                if values.count != 1 { problems.append(.invalid(valuesPath, values, "exact-match compatibility requires one single value")) }
            case .exists, .doesNotExist:
                if !values.isEmpty { problems.append(.invalid(valuesPath, values, "values set must be empty for exists and does not exist")) }
            case .greaterThan, .lessThan:
                if values.count != 1 { problems.append(.invalid(valuesPath, values, "for 'Gt', 'Lt' operators, exactly one value is required")) }
                for (index, value) in values.enumerated() where Int64(value) == nil {
                    problems.append(.invalid(valuesPath.index(index), value, "for 'Gt', 'Lt' operators, the value must be an integer"))
                }
            }
            for (index, value) in values.enumerated() {
                let messages = Validation.isValidLabelValue(value)
                if !messages.isEmpty { problems.append(.invalid(valuesPath.index(index).key(key), value, messages.joined(separator: "; "))) }
            }
            if !problems.isEmpty {
                // Kubernetes' aggregate error: one message bare, several in brackets.
                let text = problems.count == 1 ? problems[0].description : "[" + problems.map(\.description).joined(separator: ", ") + "]"
                throw SelectorError(code: .invalidRequirement, message: text, fieldErrors: problems)
            }
            self.init(unchecked: key, operator: `operator`, values: values)
        }

        /// For requirements that are valid by construction (a Service's selector map, already validated).
        init(unchecked key: String, operator: Operator, values: [String]) {
            self.key = key
            self.operator = `operator`
            self.values = (`operator` == .in || `operator` == .notIn) ? Array(Set(values)).sorted() : values
        }

        /// Kubernetes' Requirement.Matches: `notin` and `!=` also match when the label is absent.
        public func matches(_ labels: [String: String]) -> Bool {
            let value = labels[key]
            switch `operator` {
            case .in, .equals, .doubleEquals:
                guard let value else { return false }
                return values.contains(value)
            case .notIn, .notEquals:
                guard let value else { return true }
                return !values.contains(value)
            case .exists:
                return value != nil
            case .doesNotExist:
                return value == nil
            case .greaterThan, .lessThan:
                guard let value, let actual = Int64(value), values.count == 1, let bound = Int64(values[0]) else { return false }
                return `operator` == .greaterThan ? actual > bound : actual < bound
            }
        }

        /// `key=value`, `key in (a,b)`, `!key`: Kubernetes' Requirement.String, which parses back to the same.
        public var description: String {
            switch `operator` {
            case .exists: return key
            case .doesNotExist: return "!" + key
            case .equals: return key + "=" + (values.first ?? "")
            case .doubleEquals: return key + "==" + (values.first ?? "")
            case .notEquals: return key + "!=" + (values.first ?? "")
            case .greaterThan: return key + ">" + (values.first ?? "")
            case .lessThan: return key + "<" + (values.first ?? "")
            case .in: return key + " in (" + values.joined(separator: ",") + ")"
            case .notIn: return key + " notin (" + values.joined(separator: ",") + ")"
            }
        }
    }

    /// Sorted by key; requirements on the same key keep their order.
    public let requirements: [Requirement]

    /// Matches every set of labels.
    public static let everything = Selector(requirements: [])

    public init(requirements: [Requirement]) {
        self.requirements = requirements.enumerated()
            .sorted { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }
            .map(\.element)
    }

    /// Exactly these labels, as a Service's `spec.selector` selects. Empty selects everything (as in Kubernetes).
    public init(matchLabels: [String: String]) {
        self.init(requirements: matchLabels.map { Requirement(unchecked: $0.key, operator: .equals, values: [$0.value]) })
    }

    /// Kubernetes' LabelSelectorAsSelector, after the LabelSelector passes ValidateLabelSelector.
    public init(_ selector: LabelSelector) throws(SelectorError) {
        let problems = selector.validate(at: .root(""))
        if !problems.isEmpty {
            throw SelectorError(code: .invalidRequirement, message: ValidationErrors(problems).description, fieldErrors: problems)
        }
        var requirements = (selector.matchLabels ?? [:]).map { Requirement(unchecked: $0.key, operator: .equals, values: [$0.value]) }
        for expression in selector.matchExpressions ?? [] {
            let op: Requirement.Operator = switch expression.operator {
            case "In": .in
            case "NotIn": .notIn
            case "Exists": .exists
            default: .doesNotExist
            }
            requirements.append(Requirement(unchecked: expression.key, operator: op, values: expression.values ?? []))
        }
        self.init(requirements: requirements)
    }

    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { $0.matches(labels) }
    }

    /// True when the selector selects everything.
    public var isEmpty: Bool { requirements.isEmpty }

    /// The canonical text form (`app=web,env in (prod,staging),!canary`); `Selector(parsing:)` reads it back.
    public var description: String { requirements.map(\.description).joined(separator: ",") }
}
