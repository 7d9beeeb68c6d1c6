import Foundation
import SkiffYAML
import Testing

@Suite("YAMLEmitter")
struct EmitterTests {
    @Test func printsLikeKubectlGetOYAML() throws {
        let json = #"""
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default",
            "labels":{"app.kubernetes.io/name":"web","version":"1.0"},"creationTimestamp":"2024-01-01T00:00:00Z",
            "annotations":{"note":"line one\nline two\n"}},
            "spec":{"clusterIP":"10.96.0.10","ports":[{"name":"http","port":80,"protocol":"TCP","targetPort":"8080"}],
            "selector":{"app":"web"},"sessionAffinity":"None","publishNotReadyAddresses":false,"externalIPs":[]},
            "status":{"loadBalancer":{}}}
            """#
        let yaml = try YAMLEmitter.yaml(fromJSON: Data(json.utf8))
        #expect(
            yaml == """
                apiVersion: v1
                kind: Service
                metadata:
                  name: web
                  namespace: default
                  labels:
                    app.kubernetes.io/name: web
                    version: "1.0"
                  creationTimestamp: "2024-01-01T00:00:00Z"
                  annotations:
                    note: |
                      line one
                      line two
                spec:
                  clusterIP: 10.96.0.10
                  ports:
                  - name: http
                    port: 80
                    protocol: TCP
                    targetPort: "8080"
                  selector:
                    app: web
                  sessionAffinity: None
                  publishNotReadyAddresses: false
                  externalIPs: []
                status:
                  loadBalancer: {}

                """)
    }

    struct QuotingCase: Sendable, CustomTestStringConvertible {
        let name: String
        let json: String
        let line: String
        var testDescription: String { name }
    }

    @Test(arguments: [
        QuotingCase(name: "plain string", json: #""web""#, line: "v: web"),
        QuotingCase(name: "string of digits", json: #""80""#, line: #"v: "80""#),
        QuotingCase(name: "string true", json: #""true""#, line: #"v: "true""#),
        QuotingCase(name: "string null", json: #""null""#, line: #"v: "null""#),
        QuotingCase(name: "string tilde", json: #""~""#, line: #"v: "~""#),
        QuotingCase(name: "empty string", json: #""""#, line: #"v: """#),
        QuotingCase(name: "YAML 1.1 yes", json: #""yes""#, line: #"v: "yes""#),
        QuotingCase(name: "YAML 1.1 off", json: #""Off""#, line: #"v: "Off""#),
        QuotingCase(name: "YAML 1.1 octal", json: #""0777""#, line: #"v: "0777""#),
        QuotingCase(name: "YAML 1.1 underscores", json: #""1_000""#, line: #"v: "1_000""#),
        QuotingCase(name: "YAML 1.1 sexagesimal", json: #""8080:80""#, line: #"v: "8080:80""#),
        QuotingCase(name: "YAML 1.1 binary", json: #""0b101""#, line: #"v: "0b101""#),
        QuotingCase(name: "date", json: #""2001-12-14""#, line: #"v: "2001-12-14""#),
        QuotingCase(name: "float text", json: #""1.0""#, line: #"v: "1.0""#),
        QuotingCase(name: "inf text", json: #""-.inf""#, line: #"v: "-.inf""#),
        QuotingCase(name: "merge key text", json: #""<<""#, line: #"v: "<<""#),
        QuotingCase(name: "IP stays plain", json: #""10.0.0.1""#, line: "v: 10.0.0.1"),
        QuotingCase(name: "version stays plain", json: #""v1.2.3""#, line: "v: v1.2.3"),
        QuotingCase(name: "leading star", json: #""*foo""#, line: "v: '*foo'"),
        QuotingCase(name: "leading dash space", json: #""- x""#, line: "v: '- x'"),
        QuotingCase(name: "colon space", json: #""a: b""#, line: "v: 'a: b'"),
        QuotingCase(name: "comment marker", json: #""a #b""#, line: "v: 'a #b'"),
        QuotingCase(name: "leading space", json: #"" x""#, line: "v: ' x'"),
        QuotingCase(name: "unicode stays readable", json: #""h\u00e9""#, line: "v: hé"),
        QuotingCase(name: "number", json: "80", line: "v: 80"),
        QuotingCase(name: "float number", json: "1.5e3", line: "v: 1.5e3"),
        QuotingCase(name: "bool", json: "true", line: "v: true"),
        QuotingCase(name: "null", json: "null", line: "v: null"),
    ])
    func quotesOnlyWhereNeeded(_ testCase: QuotingCase) throws {
        let yaml = try YAMLEmitter.yaml(fromJSON: Data(#"{"v": \#(testCase.json)}"#.utf8))
        #expect(yaml == testCase.line + "\n")
    }

    @Test func keysAreQuotedLikeValues() throws {
        let yaml = try YAMLEmitter.yaml(fromJSON: Data(#"{"80": "a", "true": "b", "": "c", "web": "d"}"#.utf8))
        #expect(yaml == "\"80\": a\n\"true\": b\n\"\": c\nweb: d\n")
    }

    static let roundTrips: [String] = [
        #"{"a": "80", "b": 80, "c": "true", "d": true, "e": null, "f": "null", "g": "", "h": "~"}"#,
        #"{"s": ["yes", "no", "on", "off", "y", "n", "1_000", "0o17", "0x1F", ".5", "1e3", "-", "?", ":"]}"#,
        #"{"nested": {"list": [[1, 2], {"k": "v"}, [], {}], "multi": "a\nb\n\nc", "trail": "x\n\n", "tab": "a\tb"}}"#,
        #"{"quotes": "it's \"quoted\"", "backslash": "C:\\dir", "unicode": "日本語 ✓", "ctrl": "bell\u0007"}"#,
        ##"{"spaces": "  lead", "trailing": "trail  ", "hash": "#x", "amp": "&a", "bang": "!tag", "pct": "%x"}"##,
        #"[1, -2, 3.25, -0.5e-3, "x", null, false]"#,
        #""just a string""#,
    ]

    @Test(arguments: roundTrips)
    func emittedYAMLReadsBackAsTheSameValue(_ json: String) throws {
        let yaml = try YAMLEmitter.yaml(fromJSON: Data(json.utf8))
        let original = try parseOne(json)
        let reparsed = try parseOne(yaml)
        #expect(Value(reparsed) == Value(original), "emitted:\n\(yaml)")
    }

    @Test func emptyAndNullInputs() throws {
        #expect(try YAMLEmitter.yaml(fromJSON: Data()) == "")
        #expect(try YAMLEmitter.yaml(fromJSON: Data("null".utf8)) == "null\n")
    }

    @Test func multipleDocumentsAreSeparated() throws {
        let documents = try YAMLParser.parse("a: 1\n---\nb: 2\n")
        #expect(try YAMLEmitter.yaml(from: documents) == "a: 1\n---\nb: 2\n")
    }

    @Test func invalidJSONIsASyntaxError() {
        let error = yamlError { _ = try YAMLEmitter.yaml(fromJSON: Data(#"{"a": [1, 2}"#.utf8)) }
        #expect(error?.code == .syntax)
    }
}
