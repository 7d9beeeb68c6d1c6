/// What a scalar resolves to, before its value is computed.
enum ScalarKind: Sendable, Equatable {
    case null, bool, int, float, string
}

/// YAML 1.2 core-schema resolution. Hand-written over UTF-8 bytes because it runs for every
/// scalar of every manifest; the common case (a name such as `nginx`) exits on the first byte.
enum ScalarResolver {
    static let corePrefix = "tag:yaml.org,2002:"

    static func kind(_ text: String, style: Node.ScalarStyle, tag: String?) -> ScalarKind {
        if let tag { return kind(ofTag: tag) }
        return style == .plain ? plainKind(text) : .string
    }

    /// Explicit core tags choose the kind; every other tag (`!`, `!Local`) means string.
    static func kind(ofTag tag: String) -> ScalarKind {
        guard tag.hasPrefix(corePrefix) else { return .string }
        switch tag.dropFirst(corePrefix.count) {
        case "null": return .null
        case "bool": return .bool
        case "int": return .int
        case "float": return .float
        default: return .string
        }
    }

    static func resolve(_ text: String, style: Node.ScalarStyle, tag: String?) -> ResolvedScalar {
        value(text, as: kind(text, style: style, tag: tag)) ?? .string(text)
    }

    /// The value of `text` read as `kind`; nil when the text is not valid for it, which can
    /// only happen with an explicit tag such as `!!int abc`.
    static func value(_ text: String, as kind: ScalarKind) -> ResolvedScalar? {
        switch kind {
        case .string:
            return .string(text)
        case .null:
            return plainKind(text) == .null ? .null : nil
        case .bool:
            return boolValue(text).map(ResolvedScalar.bool)
        case .int:
            guard plainKind(text) == .int else { return nil }
            if let value = integer(text, as: Int64.self) { return .int(value) }
            return .float(floatValue(text))
        case .float:
            let plain = plainKind(text)
            guard plain == .int || plain == .float else { return nil }
            if plain == .int, let value = integer(text, as: Int64.self) { return .float(Double(value)) }
            return .float(floatValue(text))
        }
    }

    static func boolValue(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    /// Parses core-schema integer text (already known to be one) into any integer width;
    /// nil when it does not fit.
    static func integer<I: FixedWidthInteger>(_ text: String, as type: I.Type) -> I? {
        if text.hasPrefix("0x") { return I(text.dropFirst(2), radix: 16) }
        if text.hasPrefix("0o") { return I(text.dropFirst(2), radix: 8) }
        return I(text, radix: 10)
    }

    /// Float text (or integer text too large for Int64) as a Double.
    static func floatValue(_ text: String) -> Double {
        var body = Substring(text)
        var sign = 1.0
        if body.first == "-" || body.first == "+" {
            sign = body.first == "-" ? -1 : 1
            body = body.dropFirst()
        }
        switch body {
        case ".inf", ".Inf", ".INF": return sign * .infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        if body.hasPrefix("0x") || body.hasPrefix("0o") {
            let radix = body.hasPrefix("0x") ? 16 : 8
            return UInt64(body.dropFirst(2), radix: radix).map { sign * Double($0) } ?? sign * .infinity
        }
        return Double(text) ?? .nan
    }

    /// Kind of an untagged plain scalar.
    static func plainKind(_ text: String) -> ScalarKind {
        let utf8 = text.utf8
        guard let first = utf8.first else { return .null }
        switch first {
        case UInt8(ascii: "~"):
            return utf8.count == 1 ? .null : .string
        case UInt8(ascii: "n"), UInt8(ascii: "N"):
            return text == "null" || text == "Null" || text == "NULL" ? .null : .string
        case UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"):
            return boolValue(text) == nil ? .string : .bool
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."):
            return utf8.withContiguousStorageIfAvailable(numericKind) ?? Array(utf8).withUnsafeBufferPointer(numericKind)
        default:
            return .string
        }
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    private static func isHexDigit(_ c: UInt8) -> Bool {
        isDigit(c) || (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "f"))
    }

    /// `0o[0-7]+ | 0x[0-9a-fA-F]+ | [-+]?[0-9]+` are ints;
    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? | [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)` floats.
    private static func numericKind(_ b: UnsafeBufferPointer<UInt8>) -> ScalarKind {
        let n = b.count
        if n > 2, b[0] == UInt8(ascii: "0"), b[1] == UInt8(ascii: "x") || b[1] == UInt8(ascii: "o") {
            let hex = b[1] == UInt8(ascii: "x")
            for c in b[2...] where !(hex ? isHexDigit(c) : (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "7"))) {
                return .string
            }
            return .int
        }
        var i = 0
        if b[0] == UInt8(ascii: "+") || b[0] == UInt8(ascii: "-") { i = 1 }
        if n - i == 4, b[i] == UInt8(ascii: ".") {
            let word = String(decoding: UnsafeBufferPointer(rebasing: b[(i + 1)...]), as: UTF8.self)
            if ["inf", "Inf", "INF"].contains(word) { return .float }
            if i == 0, ["nan", "NaN", "NAN"].contains(word) { return .float }
        }
        var intDigits = 0
        while i < n, isDigit(b[i]) { i += 1; intDigits += 1 }
        var fractional = false
        var fracDigits = 0
        if i < n, b[i] == UInt8(ascii: ".") {
            fractional = true
            i += 1
            while i < n, isDigit(b[i]) { i += 1; fracDigits += 1 }
        }
        guard intDigits + fracDigits > 0 else { return .string }
        var exponent = false
        if i < n, b[i] | 0x20 == UInt8(ascii: "e") {
            exponent = true
            i += 1
            if i < n, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            var expDigits = 0
            while i < n, isDigit(b[i]) { i += 1; expDigits += 1 }
            guard expDigits > 0 else { return .string }
        }
        guard i == n else { return .string }
        return fractional || exponent ? .float : .int
    }
}
