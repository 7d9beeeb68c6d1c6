// Kubernetes' apimachinery/pkg/util/validation name rules, with its exact messages. The character checks are
// written by hand over UTF-8 bytes (no regular expressions): they run for every label of every object.

extension Validation {
    public static let dns1123LabelMaxLength = 63
    public static let dns1123SubdomainMaxLength = 253
    public static let dns1035LabelMaxLength = 63
    public static let labelValueMaxLength = 63
    public static let qualifiedNameMaxLength = 63

    static let dns1123LabelFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
    static let dns1123SubdomainFormat = dns1123LabelFormat + "(\\." + dns1123LabelFormat + ")*"
    static let dns1035LabelFormat = "[a-z]([-a-z0-9]*[a-z0-9])?"
    static let qualifiedNameFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
    static let labelValueFormat = "(" + qualifiedNameFormat + ")?"

    /// An RFC 1123 label: `my-name`, `123-abc` (Namespace names, container names, port names of Services).
    public static func isDNS1123Label(_ value: String) -> [String] {
        var errors: [String] = []
        if value.utf8.count > dns1123LabelMaxLength { errors.append(maxLenError(dns1123LabelMaxLength)) }
        if !Chars.isDNS1123Label(value.utf8) {
            if Chars.isDNS1123Subdomain(value) {
                errors.append("must not contain dots")
            } else {
                errors.append(regexError(
                    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
                    dns1123LabelFormat, "my-name", "123-abc"))
            }
        }
        return errors
    }

    /// An RFC 1123 subdomain: `example.com` (Pod, Node, Endpoints and EndpointSlice names, label key prefixes).
    public static func isDNS1123Subdomain(_ value: String) -> [String] {
        var errors: [String] = []
        if value.utf8.count > dns1123SubdomainMaxLength { errors.append(maxLenError(dns1123SubdomainMaxLength)) }
        if !Chars.isDNS1123Subdomain(value) {
            errors.append(regexError(
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
                dns1123SubdomainFormat, "example.com"))
        }
        return errors
    }

    /// An RFC 1035 label, which must start with a letter: Service names (they become DNS names).
    public static func isDNS1035Label(_ value: String) -> [String] {
        var errors: [String] = []
        if value.utf8.count > dns1035LabelMaxLength { errors.append(maxLenError(dns1035LabelMaxLength)) }
        if !Chars.isDNS1035Label(value.utf8) {
            errors.append(regexError(
                "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
                dns1035LabelFormat, "my-name", "abc-123"))
        }
        return errors
    }

    /// A label or annotation key: an optional DNS-subdomain prefix and `/`, then a name of at most 63 characters.
    public static func isQualifiedName(_ value: String) -> [String] {
        let nameMessage = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
        var errors: [String] = []
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        let name: Substring
        switch parts.count {
        case 1:
            name = parts[0]
        case 2:
            let prefix = String(parts[0])
            name = parts[1]
            if prefix.isEmpty {
                errors.append("prefix part " + emptyError)
            } else {
                errors += isDNS1123Subdomain(prefix).map { "prefix part " + $0 }
            }
        default:
            return ["a valid label key " + regexError(nameMessage, qualifiedNameFormat, "MyName", "my.name", "123-abc")
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
        }
        if name.isEmpty {
            errors.append("name part " + emptyError)
        } else if name.utf8.count > qualifiedNameMaxLength {
            errors.append("name part " + maxLenError(qualifiedNameMaxLength))
        }
        if !Chars.isQualifiedNamePart(name.utf8) {
            errors.append("name part " + regexError(nameMessage, qualifiedNameFormat, "MyName", "my.name", "123-abc"))
        }
        return errors
    }

    /// A label value: empty, or at most 63 characters shaped like a qualified name's name part.
    public static func isValidLabelValue(_ value: String) -> [String] {
        var errors: [String] = []
        if value.utf8.count > labelValueMaxLength { errors.append(maxLenError(labelValueMaxLength)) }
        if !value.isEmpty && !Chars.isQualifiedNamePart(value.utf8) {
            errors.append(regexError(
                "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
                labelValueFormat, "MyValue", "my_value", "12345"))
        }
        return errors
    }

    /// An IANA_SVC_NAME (RFC 6335): at most 15 of `[-a-z0-9]`, at least one letter, no hyphen at either end or twice.
    public static func isValidPortName(_ port: String) -> [String] {
        var errors: [String] = []
        let bytes = port.utf8
        if bytes.count > 15 { errors.append(maxLenError(15)) }
        if bytes.isEmpty || !bytes.allSatisfy({ Chars.isLowerAlnum($0) || $0 == Chars.hyphen }) {
            errors.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
        }
        if !bytes.contains(where: Chars.isLowerLetter) { errors.append("must contain at least one letter (a-z)") }
        if port.contains("--") { errors.append("must not contain consecutive hyphens") }
        if let first = bytes.first, let last = bytes.last, first == Chars.hyphen || last == Chars.hyphen {
            errors.append("must not begin or end with a hyphen")
        }
        return errors
    }

    public static func isValidPortNum(_ port: Int) -> [String] {
        (1...65535).contains(port) ? [] : [inclusiveRangeError(1, 65535)]
    }

    public static func isInRange(_ value: Int, _ low: Int, _ high: Int) -> [String] {
        (low...high).contains(value) ? [] : [inclusiveRangeError(low, high)]
    }

    /// A header name as Go's HTTP library accepts it: `[-A-Za-z0-9]+`.
    public static func isHTTPHeaderName(_ value: String) -> [String] {
        let bytes = value.utf8
        if !bytes.isEmpty && bytes.allSatisfy({ Chars.isAlnum($0) || $0 == Chars.hyphen }) { return [] }
        return [regexError("a valid HTTP header must consist of alphanumeric characters or '-'", "[-A-Za-z0-9]+", "X-Header-Name")]
    }

    /// An environment variable name: `[-._a-zA-Z][-._a-zA-Z0-9]*`, and not `.`, `..` or starting with `..`.
    public static func isEnvVarName(_ value: String) -> [String] {
        var errors: [String] = []
        let bytes = value.utf8
        let isNameByte = { (byte: UInt8) in Chars.isLetter(byte) || byte == Chars.hyphen || byte == Chars.dot || byte == Chars.underscore }
        let valid = bytes.first.map(isNameByte) == true && bytes.allSatisfy { isNameByte($0) || Chars.isDigit($0) }
        if !valid {
            errors.append(regexError(
                "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit",
                "[-._a-zA-Z][-._a-zA-Z0-9]*", "my.env-name", "MY_ENV.NAME", "MyEnvName1"))
        }
        if value == "." {
            errors.append("must not be '.'")
        } else if value == ".." {
            errors.append("must not be '..'")
        } else if value.hasPrefix("..") {
            errors.append("must not start with '..'")
        }
        return errors
    }

    // MARK: Kubernetes' message builders

    public static func maxLenError(_ length: Int) -> String { "must be no more than \(length) characters" }

    public static func inclusiveRangeError(_ low: Int, _ high: Int) -> String { "must be between \(low) and \(high), inclusive" }

    static let emptyError = "must be non-empty"

    /// `msg (e.g. 'a',  or 'b', regex used for validation is 'fmt')`, with Kubernetes' odd double space kept.
    public static func regexError(_ message: String, _ format: String, _ examples: String...) -> String {
        if examples.isEmpty { return message + " (regex used for validation is '" + format + "')" }
        var text = message + " (e.g. "
        for (index, example) in examples.enumerated() {
            if index > 0 { text += " or " }
            text += "'" + example + "', "
        }
        return text + "regex used for validation is '" + format + "')"
    }
}

/// Byte classes for the hand-written matchers.
enum Chars {
    static let hyphen = UInt8(ascii: "-")
    static let dot = UInt8(ascii: ".")
    static let underscore = UInt8(ascii: "_")

    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    @inline(__always) static func isLowerLetter(_ byte: UInt8) -> Bool { byte >= 0x61 && byte <= 0x7A }
    @inline(__always) static func isLetter(_ byte: UInt8) -> Bool { isLowerLetter(byte) || (byte >= 0x41 && byte <= 0x5A) }
    @inline(__always) static func isLowerAlnum(_ byte: UInt8) -> Bool { isLowerLetter(byte) || isDigit(byte) }
    @inline(__always) static func isAlnum(_ byte: UInt8) -> Bool { isLetter(byte) || isDigit(byte) }

    /// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`
    static func isDNS1123Label<C: BidirectionalCollection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        guard let first = bytes.first, let last = bytes.last, isLowerAlnum(first), isLowerAlnum(last) else { return false }
        return bytes.allSatisfy { isLowerAlnum($0) || $0 == hyphen }
    }

    /// Labels joined by dots, none empty.
    static func isDNS1123Subdomain(_ value: String) -> Bool {
        value.utf8.split(separator: dot, omittingEmptySubsequences: false).allSatisfy { isDNS1123Label($0) }
    }

    /// `[a-z]([-a-z0-9]*[a-z0-9])?`
    static func isDNS1035Label<C: BidirectionalCollection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        guard let first = bytes.first, let last = bytes.last, isLowerLetter(first), isLowerAlnum(last) else { return false }
        return bytes.allSatisfy { isLowerAlnum($0) || $0 == hyphen }
    }

    /// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`
    static func isQualifiedNamePart<C: BidirectionalCollection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        guard let first = bytes.first, let last = bytes.last, isAlnum(first), isAlnum(last) else { return false }
        return bytes.allSatisfy { isAlnum($0) || $0 == hyphen || $0 == underscore || $0 == dot }
    }
}
