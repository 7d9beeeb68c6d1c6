// The selector text grammar of kubectl -l and ?labelSelector=, as apimachinery/pkg/labels parses it, with the
// same tokens, the same quirks (`in` and `notin` are values inside parentheses, `x in ()` selects the empty
// value) and the same messages, plus the position of the token at fault:
//
//   <selector>    ::= <requirement> | <requirement> "," <selector>
//   <requirement> ::= [!] KEY [ ("in" | "notin") "(" VALUE ("," VALUE)* ")" | ("=" | "==" | "!=" | ">" | "<") VALUE ]

extension Selector {
    public init(parsing text: String) throws(SelectorError) {
        var parser = SelectorParser(tokens: SelectorLexer.tokens(text))
        self.init(requirements: try parser.parse())
    }
}

struct SelectorToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case endOfString, closedPar, comma, doesNotExist, doubleEquals, equals, greaterThan
        case identifier, `in`, lessThan, notEquals, notIn, openPar
    }

    var kind: Kind
    var literal: String
    /// Byte offset of the token's first character.
    var position: Int
}

enum SelectorLexer {
    static let keywords: [String: SelectorToken.Kind] = [
        ")": .closedPar, ",": .comma, "!": .doesNotExist, "==": .doubleEquals, "=": .equals, ">": .greaterThan,
        "in": .in, "<": .lessThan, "!=": .notEquals, "notin": .notIn, "(": .openPar,
    ]

    static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }

    static func isSpecial(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "="), UInt8(ascii: "!"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: ","), UInt8(ascii: ">"), UInt8(ascii: "<"): true
        default: false
        }
    }

    /// All tokens, ending with `endOfString`.
    static func tokens(_ text: String) -> [SelectorToken] {
        let bytes = Array(text.utf8)
        var tokens: [SelectorToken] = []
        var index = 0
        while true {
            while index < bytes.count && isWhitespace(bytes[index]) { index += 1 }
            let start = index
            guard index < bytes.count else {
                tokens.append(SelectorToken(kind: .endOfString, literal: "", position: start))
                return tokens
            }
            if isSpecial(bytes[index]) {
                // The longest run of symbols that is still a token: "!=" is one token, "=(" two.
                var end = index + 1
                while end < bytes.count && isSpecial(bytes[end]) && keywords[String(decoding: bytes[start...end], as: UTF8.self)] != nil {
                    end += 1
                }
                let literal = String(decoding: bytes[start..<end], as: UTF8.self)
                tokens.append(SelectorToken(kind: keywords[literal] ?? .identifier, literal: literal, position: start))
                index = end
            } else {
                var end = index
                while end < bytes.count && !isSpecial(bytes[end]) && !isWhitespace(bytes[end]) { end += 1 }
                let literal = String(decoding: bytes[start..<end], as: UTF8.self)
                tokens.append(SelectorToken(kind: keywords[literal] ?? .identifier, literal: literal, position: start))
                index = end
            }
        }
    }
}

struct SelectorParser {
    /// Inside a value list `in` and `notin` are plain identifiers (`x in (in)`).
    enum Context { case keyAndOperator, values }

    let tokens: [SelectorToken]
    var position = 0

    init(tokens: [SelectorToken]) { self.tokens = tokens }

    func lookahead(_ context: Context) -> SelectorToken {
        var token = tokens[position]
        if context == .values && (token.kind == .in || token.kind == .notIn) { token.kind = .identifier }
        return token
    }

    mutating func consume(_ context: Context) -> SelectorToken {
        let token = lookahead(context)
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    func syntax(_ token: SelectorToken, _ message: String, requirement: Bool = true) -> SelectorError {
        SelectorError(code: .syntax, message: (requirement ? "unable to parse requirement: " : "") + message, position: token.position)
    }

    mutating func parse() throws(SelectorError) -> [Selector.Requirement] {
        var requirements: [Selector.Requirement] = []
        while true {
            let token = lookahead(.values)
            switch token.kind {
            case .identifier, .doesNotExist:
                requirements.append(try parseRequirement())
                let next = consume(.values)
                switch next.kind {
                case .endOfString:
                    return requirements
                case .comma:
                    let after = lookahead(.values)
                    if after.kind != .identifier && after.kind != .doesNotExist {
                        throw syntax(after, "found '\(after.literal)', expected: identifier after ','", requirement: false)
                    }
                default:
                    throw syntax(next, "found '\(next.literal)', expected: ',' or 'end of string'", requirement: false)
                }
            case .endOfString:
                return requirements
            default:
                throw syntax(token, "found '\(token.literal)', expected: !, identifier, or 'end of string'", requirement: false)
            }
        }
    }

    mutating func parseRequirement() throws(SelectorError) -> Selector.Requirement {
        let start = lookahead(.values)
        var token = consume(.values)
        var op: Selector.Requirement.Operator?
        if token.kind == .doesNotExist {
            op = .doesNotExist
            token = consume(.values)
        }
        guard token.kind == .identifier else { throw syntax(token, "found '\(token.literal)', expected: identifier") }
        let key = token.literal
        let keyMessages = Validation.isQualifiedName(key)
        if !keyMessages.isEmpty {
            throw SelectorError(code: .invalidRequirement, message: "unable to parse requirement: "
                + FieldError.invalid(.root("key"), key, keyMessages.joined(separator: "; ")).description, position: token.position)
        }
        let next = lookahead(.values).kind
        if op == nil && (next == .endOfString || next == .comma) { op = .exists }
        var values: [String] = []
        if op == nil {
            let opToken = consume(.keyAndOperator)
            switch opToken.kind {
            case .in: op = .in
            case .notIn: op = .notIn
            case .equals: op = .equals
            case .doubleEquals: op = .doubleEquals
            case .notEquals: op = .notEquals
            case .greaterThan: op = .greaterThan
            case .lessThan: op = .lessThan
            default: throw syntax(opToken, "found '\(opToken.literal)', expected: in, notin, =, ==, !=, gt, lt")
            }
            values = (op == .in || op == .notIn) ? try parseValues() : try parseExactValue()
        }
        do {
            return try Selector.Requirement(key: key, operator: op ?? .exists, values: values)
        } catch {
            throw SelectorError(code: .invalidRequirement, message: "unable to parse requirement: " + error.message,
                                position: start.position, fieldErrors: error.fieldErrors)
        }
    }

    /// `(a,b)`; empty entries are the empty value: `()`, `(a,)`, `(,b)`.
    mutating func parseValues() throws(SelectorError) -> [String] {
        let open = consume(.values)
        guard open.kind == .openPar else { throw syntax(open, "found '\(open.literal)' expected: '('") }
        let first = lookahead(.values)
        switch first.kind {
        case .identifier, .comma:
            let values = try parseIdentifiersList()
            let close = consume(.values)
            guard close.kind == .closedPar else { throw syntax(close, "found '\(close.literal)', expected: ')'") }
            return values
        case .closedPar:
            _ = consume(.values)
            return [""]
        default:
            throw syntax(first, "found '\(first.literal)', expected: ',', ')' or identifier")
        }
    }

    mutating func parseIdentifiersList() throws(SelectorError) -> [String] {
        var values: [String] = []
        while true {
            let token = consume(.values)
            switch token.kind {
            case .identifier:
                values.append(token.literal)
                let next = lookahead(.values)
                switch next.kind {
                case .comma: continue
                case .closedPar: return values
                default: throw syntax(next, "found '\(next.literal)', expected: ',' or ')'")
                }
            case .comma:
                if values.isEmpty { values.append("") }
                let next = lookahead(.values).kind
                if next == .closedPar || next == .comma { values.append("") }
                if next == .closedPar { return values }
            default:
                throw syntax(token, "found '\(token.literal)', expected: ',', or identifier")
            }
        }
    }

    /// The one value after `=`, `==`, `!=`, `>` or `<`; nothing before `,` or the end is the empty value.
    mutating func parseExactValue() throws(SelectorError) -> [String] {
        let next = lookahead(.values)
        if next.kind == .endOfString || next.kind == .comma { return [""] }
        let token = consume(.values)
        guard token.kind == .identifier else { throw syntax(token, "found '\(token.literal)', expected: identifier") }
        return [token.literal]
    }
}
