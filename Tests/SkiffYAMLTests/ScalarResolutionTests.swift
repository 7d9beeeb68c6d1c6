import SkiffYAML
import Testing

@Suite("Scalar resolution (YAML 1.2 core schema)")
struct ScalarResolutionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let yaml: String
        let expected: ResolvedScalar
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "empty is null", yaml: "", expected: .null),
        Case(name: "tilde", yaml: "~", expected: .null),
        Case(name: "null lower", yaml: "null", expected: .null),
        Case(name: "Null title", yaml: "Null", expected: .null),
        Case(name: "NULL upper", yaml: "NULL", expected: .null),
        Case(name: "nULL is a string", yaml: "nULL", expected: .string("nULL")),
        Case(name: "true", yaml: "true", expected: .bool(true)),
        Case(name: "True", yaml: "True", expected: .bool(true)),
        Case(name: "TRUE", yaml: "TRUE", expected: .bool(true)),
        Case(name: "false", yaml: "false", expected: .bool(false)),
        Case(name: "FALSE", yaml: "FALSE", expected: .bool(false)),
        Case(name: "yes is a string in 1.2", yaml: "yes", expected: .string("yes")),
        Case(name: "on is a string in 1.2", yaml: "on", expected: .string("on")),
        Case(name: "decimal", yaml: "80", expected: .int(80)),
        Case(name: "zero", yaml: "0", expected: .int(0)),
        Case(name: "negative", yaml: "-17", expected: .int(-17)),
        Case(name: "plus sign", yaml: "+5", expected: .int(5)),
        Case(name: "leading zero is decimal", yaml: "0777", expected: .int(777)),
        Case(name: "octal 0o", yaml: "0o17", expected: .int(15)),
        Case(name: "hex 0x", yaml: "0x1F", expected: .int(31)),
        Case(name: "hex without digits", yaml: "0x", expected: .string("0x")),
        Case(name: "bad hex digit", yaml: "0x1G", expected: .string("0x1G")),
        Case(name: "signed hex is a string", yaml: "-0x10", expected: .string("-0x10")),
        Case(name: "Int64 max", yaml: "9223372036854775807", expected: .int(.max)),
        Case(name: "too big for Int64 becomes float", yaml: "99999999999999999999", expected: .float(1e20)),
        Case(name: "float", yaml: "1.0", expected: .float(1.0)),
        Case(name: "float negative exponent", yaml: "-1.5e3", expected: .float(-1500)),
        Case(name: "float leading dot", yaml: ".5", expected: .float(0.5)),
        Case(name: "float trailing dot", yaml: "1.", expected: .float(1)),
        Case(name: "exponent without dot", yaml: "1e5", expected: .float(100_000)),
        Case(name: "exponent with sign", yaml: "2E+2", expected: .float(200)),
        Case(name: "dangling exponent", yaml: "1e", expected: .string("1e")),
        Case(name: "inf", yaml: ".inf", expected: .float(.infinity)),
        Case(name: "negative Inf", yaml: "-.Inf", expected: .float(-.infinity)),
        Case(name: "INF", yaml: "+.INF", expected: .float(.infinity)),
        Case(name: "lone dot", yaml: ".", expected: .string(".")),
        Case(name: "version string", yaml: "1.2.3", expected: .string("1.2.3")),
        Case(name: "IP address", yaml: "10.96.0.10", expected: .string("10.96.0.10")),
        Case(name: "underscores are 1.1 only", yaml: "1_000", expected: .string("1_000")),
        Case(name: "binary is 1.1 only", yaml: "0b101", expected: .string("0b101")),
        Case(name: "sexagesimal is 1.1 only", yaml: "12:30", expected: .string("12:30")),
        Case(name: "name", yaml: "nginx", expected: .string("nginx")),
        Case(name: "double quoted number", yaml: "\"80\"", expected: .string("80")),
        Case(name: "single quoted bool", yaml: "'true'", expected: .string("true")),
        Case(name: "double quoted empty", yaml: "\"\"", expected: .string("")),
        Case(name: "literal block number", yaml: "|-\n  80", expected: .string("80")),
        Case(name: "folded block", yaml: ">\n  a\n  b", expected: .string("a b\n")),
        Case(name: "!!str on plain number", yaml: "!!str 80", expected: .string("80")),
        Case(name: "!!int on quoted number", yaml: "!!int \"80\"", expected: .int(80)),
        Case(name: "!!float on integer text", yaml: "!!float 1", expected: .float(1)),
        Case(name: "!!bool on quoted", yaml: "!!bool 'false'", expected: .bool(false)),
        Case(name: "!!null on empty quotes", yaml: "!!null ''", expected: .null),
        Case(name: "non-specific tag is a string", yaml: "! 80", expected: .string("80")),
        Case(name: "local tag is a string", yaml: "!Ref 80", expected: .string("80")),
    ]

    @Test(arguments: cases)
    func resolves(_ testCase: Case) throws {
        let root = try parseOne("v: \(testCase.yaml)\n")
        #expect(root["v"]?.resolved == testCase.expected)
    }

    @Test func nanResolvesToNaN() throws {
        for text in [".nan", ".NaN", ".NAN"] {
            guard case .float(let value) = try parseOne("v: \(text)")["v"]?.resolved else {
                Issue.record("\(text) did not resolve to a float")
                continue
            }
            #expect(value.isNaN)
        }
    }

    @Test func collectionsHaveNoResolution() throws {
        let root = try parseOne("a: [1]\nb: {c: d}\n")
        #expect(root.resolved == nil)
        #expect(root["a"]?.resolved == nil)
        #expect(root["b"]?.resolved == nil)
    }

    @Test(arguments: ["!!int abc", "!!bool yes", "!!float 1.2.3", "!!null x"])
    func invalidExplicitTagIsAnError(_ yaml: String) {
        let error = yamlError { _ = try YAMLParser.parse("v: \(yaml)") }
        #expect(error?.code == .invalidValue)
        #expect(error?.mark == mark(1, 4))
    }
}
