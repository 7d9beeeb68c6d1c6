/// Why a label selector could not be built: a syntax error in selector text (with where it is), an invalid
/// key or value, or an invalid `LabelSelector` (with its field errors).
public struct SelectorError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The text does not follow the grammar (`app in (a`, `=x`).
        case syntax
        /// A requirement is well formed but its key, operator or values are not valid.
        case invalidRequirement
    }

    public var code: Code
    public var message: String
    /// 0-based offset (in UTF-8 bytes, which is characters for ASCII) of the token at fault, for selector text.
    public var position: Int?
    /// The field errors behind an `invalidRequirement` from a `LabelSelector`.
    public var fieldErrors: [FieldError]

    public init(code: Code, message: String, position: Int? = nil, fieldErrors: [FieldError] = []) {
        self.code = code
        self.message = message
        self.position = position
        self.fieldErrors = fieldErrors
    }

    /// `at position 7: found ')', expected: identifier`
    public var description: String {
        guard let position else { return message }
        return "at position \(position): \(message)"
    }
}
