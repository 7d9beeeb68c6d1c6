/// The path from an object's root to one field, rendered as Kubernetes' `field.Path` renders it:
/// `spec.ports[0].port` for list items, `metadata.annotations[example.com/key]` for map keys.
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    /// The rendered path. Building it as a string as we go is cheaper than rendering a list on every error.
    public let description: String

    private init(rendered: String) { description = rendered }

    /// A path starting at `name` (`metadata`, `spec`, `status`, ...).
    public static func root(_ name: String) -> FieldPath { FieldPath(rendered: name) }

    /// `spec` -> `spec.ports`; several names descend several levels.
    public func child(_ name: String, _ more: String...) -> FieldPath {
        var text = description.isEmpty ? name : description + "." + name
        for next in more { text += "." + next }
        return FieldPath(rendered: text)
    }

    /// `spec.ports` -> `spec.ports[2]`.
    public func index(_ index: Int) -> FieldPath { FieldPath(rendered: description + "[\(index)]") }

    /// `metadata.labels` -> `metadata.labels[app]` (Kubernetes does not quote map keys).
    public func key(_ key: String) -> FieldPath { FieldPath(rendered: description + "[" + key + "]") }
}

/// One reason an object is invalid, with the field it concerns. Kubernetes' `field.Error`: it prints exactly as
/// the apiserver's messages do, e.g. `spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive`.
public struct FieldError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The machine-readable reason; the raw values are Kubernetes' `CauseType`s, sent as `StatusCause.reason`.
    public enum Kind: String, Sendable, CaseIterable {
        case required = "FieldValueRequired"
        case invalid = "FieldValueInvalid"
        case duplicate = "FieldValueDuplicate"
        case notSupported = "FieldValueNotSupported"
        case forbidden = "FieldValueForbidden"
        case tooLong = "FieldValueTooLong"
        case tooMany = "FieldValueTooMany"

        /// The words Kubernetes prints for the kind.
        public var phrase: String {
            switch self {
            case .required: "Required value"
            case .invalid: "Invalid value"
            case .duplicate: "Duplicate value"
            case .notSupported: "Unsupported value"
            case .forbidden: "Forbidden"
            case .tooLong: "Too long"
            case .tooMany: "Too many"
            }
        }

        /// Required, Forbidden and TooLong never print the value (Kubernetes' ErrorBody).
        var printsValue: Bool { !(self == .required || self == .forbidden || self == .tooLong) }
    }

    public var kind: Kind
    /// The rendered field path, `spec.ports[0].port`.
    public var field: String
    /// The offending value as plain text (`http`, `70000`); nil prints as `null`.
    public var badValue: String?
    /// Whether the value prints quoted, as Go's `%q` prints strings (numbers, booleans and lists print bare).
    public var quotesBadValue: Bool
    /// The explanation after the value; may be empty.
    public var detail: String

    public init(kind: Kind, field: String, badValue: String? = nil, detail: String = "", quotesBadValue: Bool = true) {
        self.kind = kind
        self.field = field
        self.badValue = badValue
        self.detail = detail
        self.quotesBadValue = quotesBadValue
    }

    /// The message without the field: `Invalid value: 70000: must be between 1 and 65535, inclusive`.
    public var errorBody: String {
        var text = kind.phrase
        if kind.printsValue {
            if let badValue {
                text += ": " + (quotesBadValue ? FieldError.goQuoted(badValue) : badValue)
            } else {
                text += ": null"
            }
        }
        if !detail.isEmpty { text += ": " + detail }
        return text
    }

    public var description: String { field + ": " + errorBody }

    /// A string as Go's `%q` prints it: double quotes, backslash escapes for quotes, backslashes and control characters.
    static func goQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\x" + hex(scalar.value, width: 2)
            case _ where scalar.value >= 0x80 && scalar.value < 0xA0:
                out += "\\u" + hex(scalar.value, width: 4)
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

// Constructors named after Kubernetes' field.Required, field.Invalid, ... so validation code reads like the Go it follows.
extension FieldError {
    public static func required(_ path: FieldPath, _ detail: String = "") -> FieldError {
        FieldError(kind: .required, field: path.description, detail: detail)
    }

    public static func forbidden(_ path: FieldPath, _ detail: String) -> FieldError {
        FieldError(kind: .forbidden, field: path.description, detail: detail)
    }

    public static func invalid(_ path: FieldPath, _ value: String, _ detail: String) -> FieldError {
        FieldError(kind: .invalid, field: path.description, badValue: value, detail: detail)
    }

    public static func invalid<N: BinaryInteger>(_ path: FieldPath, _ value: N, _ detail: String) -> FieldError {
        FieldError(kind: .invalid, field: path.description, badValue: String(value), detail: detail, quotesBadValue: false)
    }

    /// A list value, printed as Go prints a `[]string` with `%#v`: `[]string{"a", "b"}`.
    public static func invalid(_ path: FieldPath, _ values: [String], _ detail: String) -> FieldError {
        invalid(path, rendered: renderList(values), detail)
    }

    /// A value printed exactly as given (structs, `null` for an unset optional).
    public static func invalid(_ path: FieldPath, rendered: String?, _ detail: String) -> FieldError {
        FieldError(kind: .invalid, field: path.description, badValue: rendered, detail: detail, quotesBadValue: false)
    }

    public static func duplicate(_ path: FieldPath, _ value: String) -> FieldError {
        FieldError(kind: .duplicate, field: path.description, badValue: value)
    }

    public static func duplicate<N: BinaryInteger>(_ path: FieldPath, _ value: N) -> FieldError {
        FieldError(kind: .duplicate, field: path.description, badValue: String(value), quotesBadValue: false)
    }

    public static func duplicate(_ path: FieldPath, rendered: String) -> FieldError {
        FieldError(kind: .duplicate, field: path.description, badValue: rendered, quotesBadValue: false)
    }

    /// `Unsupported value: "Foo": supported values: "ClusterIP", "NodePort"`, values in the order given.
    public static func notSupported(_ path: FieldPath, _ value: String?, _ supported: [String]) -> FieldError {
        let detail = supported.isEmpty ? "" : "supported values: " + supported.map(goQuoted).joined(separator: ", ")
        return FieldError(kind: .notSupported, field: path.description, badValue: value, detail: detail)
    }

    /// `Too long: must have at most 262144 bytes` (the value itself is never printed).
    public static func tooLong(_ path: FieldPath, _ maxLength: Int) -> FieldError {
        FieldError(kind: .tooLong, field: path.description, detail: "must have at most \(maxLength) bytes")
    }

    /// `Too many: 1001: must have at most 1000 items`.
    public static func tooMany(_ path: FieldPath, _ actual: Int, _ maximum: Int) -> FieldError {
        FieldError(kind: .tooMany, field: path.description, badValue: String(actual), detail: "must have at most \(maximum) items", quotesBadValue: false)
    }

    static func renderList(_ values: [String]) -> String {
        "[]string{" + values.map(goQuoted).joined(separator: ", ") + "}"
    }
}

/// Every reason an object is invalid, as one error (Kubernetes' aggregate: messages joined with ", ").
public struct ValidationErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var errors: [FieldError]

    public init(_ errors: [FieldError]) { self.errors = errors }

    public var description: String { errors.map(\.description).joined(separator: ", ") }
}
