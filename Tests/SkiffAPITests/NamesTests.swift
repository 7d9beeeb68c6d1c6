@testable import SkiffAPI
import Testing

@Suite struct NamesTests {
    static let long64 = String(repeating: "a", count: 64)

    static let dns1123Labels: [Row<String>] = [
        Row("simple", "my-name"), Row("digits first", "123-abc"), Row("one character", "a"),
        Row("63 characters", String(repeating: "a", count: 63)),
        Row("64 characters", long64, ["must be no more than 63 characters"]),
        Row("dots", "my.name", ["must not contain dots"]),
        Row("upper case", "My-Name", [Messages.dns1123Label]),
        Row("leading hyphen", "-abc", [Messages.dns1123Label]),
        Row("trailing hyphen", "abc-", [Messages.dns1123Label]),
        Row("underscore", "a_b", [Messages.dns1123Label]),
        Row("empty", "", [Messages.dns1123Label]),
        Row("non-ASCII", "caf\u{E9}", [Messages.dns1123Label]),
    ]

    @Test(arguments: dns1123Labels)
    func dns1123Label(_ row: Row<String>) { #expect(Validation.isDNS1123Label(row.input) == row.errors) }

    static let dns1123Subdomains: [Row<String>] = [
        Row("domain", "example.com"), Row("label", "web-0"), Row("many labels", "a.b-c.d1"),
        Row("empty label", "a..b", [Messages.dns1123Subdomain]),
        Row("trailing dot", "example.com.", [Messages.dns1123Subdomain]),
        Row("upper case", "Example.com", [Messages.dns1123Subdomain]),
        Row("254 characters", String(repeating: "a", count: 254), ["must be no more than 253 characters"]),
    ]

    @Test(arguments: dns1123Subdomains)
    func dns1123Subdomain(_ row: Row<String>) { #expect(Validation.isDNS1123Subdomain(row.input) == row.errors) }

    static let dns1035Labels: [Row<String>] = [
        Row("letters and digits", "abc-123"), Row("letter", "a"),
        Row("digit first", "1abc", [Messages.dns1035Label]),
        Row("trailing hyphen", "abc-", [Messages.dns1035Label]),
        Row("dots", "a.b", [Messages.dns1035Label]),
        Row("64 characters", long64, ["must be no more than 63 characters"]),
    ]

    @Test(arguments: dns1035Labels)
    func dns1035Label(_ row: Row<String>) { #expect(Validation.isDNS1035Label(row.input) == row.errors) }

    static let qualifiedNames: [Row<String>] = [
        Row("name", "app"), Row("prefixed", "example.com/app"), Row("mixed case and punctuation", "My_app.v1-x"),
        Row("kubernetes prefix", "app.kubernetes.io/name"),
        Row("empty", "", ["name part must be non-empty", Messages.qualifiedNamePart]),
        Row("empty prefix", "/app", ["prefix part must be non-empty"]),
        Row("bad prefix", "Example.com/app", ["prefix part " + Messages.dns1123Subdomain]),
        Row("empty name after prefix", "example.com/", ["name part must be non-empty", Messages.qualifiedNamePart]),
        Row("two slashes", "a/b/c", ["a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]),
        Row("name too long", long64, ["name part must be no more than 63 characters"]),
        Row("leading underscore", "_app", [Messages.qualifiedNamePart]),
        Row("space", "my app", [Messages.qualifiedNamePart]),
    ]

    @Test(arguments: qualifiedNames)
    func qualifiedName(_ row: Row<String>) { #expect(Validation.isQualifiedName(row.input) == row.errors) }

    static let labelValues: [Row<String>] = [
        Row("empty", ""), Row("word", "web"), Row("punctuation inside", "v1.2_3-x"), Row("upper case", "MyValue"),
        Row("leading hyphen", "-x", [Messages.labelValue]),
        Row("slash", "a/b", [Messages.labelValue]),
        Row("64 characters", long64, ["must be no more than 63 characters"]),
    ]

    @Test(arguments: labelValues)
    func labelValue(_ row: Row<String>) { #expect(Validation.isValidLabelValue(row.input) == row.errors) }

    static let portNames: [Row<String>] = [
        Row("http", "http"), Row("letters and digits", "h2c"), Row("hyphen inside", "http-alt"), Row("15 characters", "abcdefghijklmno"),
        Row("digits only", "123", ["must contain at least one letter (a-z)"]),
        Row("leading hyphen", "-http", ["must not begin or end with a hyphen"]),
        Row("trailing hyphen", "http-", ["must not begin or end with a hyphen"]),
        Row("double hyphen", "http--alt", ["must not contain consecutive hyphens"]),
        Row("upper case", "HTTP", ["must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)", "must contain at least one letter (a-z)"]),
        Row("16 characters", "abcdefghijklmnop", ["must be no more than 15 characters"]),
        Row("empty", "", ["must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)", "must contain at least one letter (a-z)"]),
    ]

    @Test(arguments: portNames)
    func portName(_ row: Row<String>) { #expect(Validation.isValidPortName(row.input) == row.errors) }

    @Test(arguments: [(0, false), (1, true), (80, true), (65535, true), (65536, false), (-1, false)])
    func portNumber(_ port: Int, _ valid: Bool) {
        #expect(Validation.isValidPortNum(port) == (valid ? [] : [Messages.portRange]))
    }

    static let envNames: [Row<String>] = [
        Row("upper", "MY_VAR"), Row("dotted", "my.env-name"), Row("leading underscore", "_X1"),
        Row("digit first", "1VAR", ["a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"]),
        Row("dot dot", "..", ["must not be '..'"]),
        Row("starts with dot dot", "..x", ["must not start with '..'"]),
    ]

    @Test(arguments: envNames)
    func envVarName(_ row: Row<String>) { #expect(Validation.isEnvVarName(row.input) == row.errors) }

    @Test func httpHeaderNames() {
        #expect(Validation.isHTTPHeaderName("X-Header-Name").isEmpty)
        #expect(Validation.isHTTPHeaderName("X Header") == ["a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"])
    }

    @Test func generateNamePrefixesMayEndInADash() {
        #expect(NameRule.dns1123Subdomain.messages("web-", prefix: true).isEmpty)
        #expect(NameRule.dns1123Subdomain.messages("web-", prefix: false) == [Messages.dns1123Subdomain])
    }
}
