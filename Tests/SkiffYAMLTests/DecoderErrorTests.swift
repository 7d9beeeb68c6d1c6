import SkiffYAML
import Testing

@Suite("NodeDecoder: errors")
struct DecoderErrorTests {
    /// serviceYAML's first port with one line replaced; the port entry starts at line 13.
    static func service(replacing old: String, with new: String) -> String {
        serviceYAML.replacingOccurrences(of: old, with: new)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let yaml: String
        let code: YAMLError.Code
        let description: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "wrong type", yaml: service(replacing: "port: 80", with: "port: http"), code: .typeMismatch,
            description: "line 14, column 11: spec.ports[0].port: expected an integer, got string \"http\""),
        Case(
            name: "quoted int", yaml: service(replacing: "port: 80", with: "port: \"80\""), code: .typeMismatch,
            description: "line 14, column 11: spec.ports[0].port: expected an integer, got string \"80\""),
        Case(
            name: "float with a fraction into an integer", yaml: service(replacing: "port: 80", with: "port: 80.5"),
            code: .typeMismatch,
            description: "line 14, column 11: spec.ports[0].port: expected an integer, got number 80.5"),
        Case(
            name: "out of range for the width", yaml: service(replacing: "nodePort: 30443", with: "nodePort: 70000"),
            code: .invalidValue,
            description: "line 19, column 15: spec.ports[1].nodePort: expected an integer between 0 and 65535, got 70000"),
        Case(
            name: "negative into unsigned", yaml: service(replacing: "nodePort: 30443", with: "nodePort: -1"),
            code: .invalidValue,
            description: "line 19, column 15: spec.ports[1].nodePort: expected an integer between 0 and 65535, got -1"),
        Case(
            name: "Int32 overflow", yaml: service(replacing: "port: 443", with: "port: 2147483648"),
            code: .invalidValue,
            description:
                "line 17, column 11: spec.ports[1].port: expected an integer between -2147483648 and 2147483647, got 2147483648"),
        Case(
            name: "unquoted number into a string", yaml: "version: 1.0\n", code: .typeMismatch,
            description: "line 1, column 10: version: expected a string, got number 1.0 (quote it: \"1.0\")"),
        Case(
            name: "unquoted bool into a string", yaml: service(replacing: "name: web\n  labels", with: "name: true\n  labels"),
            code: .typeMismatch,
            description: "line 4, column 9: metadata.name: expected a string, got bool true (quote it: \"true\")"),
        Case(
            name: "null into a required string", yaml: service(replacing: "name: web\n  labels", with: "name:\n  labels"),
            code: .typeMismatch, description: "line 4, column 8: metadata.name: expected a string, got null"),
        Case(
            name: "YAML 1.1 bool", yaml: service(replacing: "Addresses: true", with: "Addresses: yes"),
            code: .typeMismatch,
            description:
                "line 10, column 29: spec.publishNotReadyAddresses: expected a boolean, got string \"yes\" (use true or false)"),
        Case(
            name: "label value that is a number", yaml: service(replacing: "app: web}", with: "app: 1}"),
            code: .typeMismatch,
            description: "line 9, column 19: spec.selector.app: expected a string, got number 1 (quote it: \"1\")"),
        Case(
            name: "dotted label key in the path",
            yaml: service(replacing: "app.kubernetes.io/name: web", with: "app.kubernetes.io/name: [web]"),
            code: .typeMismatch,
            description: "line 6, column 29: metadata.labels.app.kubernetes.io/name: expected a string, got a sequence"),
        Case(
            name: "sequence where a mapping belongs", yaml: service(replacing: "selector: {app: web}", with: "selector: [web]"),
            code: .typeMismatch, description: "line 9, column 13: spec.selector: expected a mapping, got a sequence"),
        Case(
            name: "mapping where a sequence belongs",
            yaml: "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  ports: {port: 80}\n", code: .typeMismatch,
            description: "line 5, column 10: spec.ports: expected a sequence, got a mapping"),
        Case(
            name: "unknown field", yaml: service(replacing: "  targetPort: http", with: "  portz: 8080\n    targetPort: http"),
            code: .unknownField, description: "line 15, column 5: spec.ports[0].portz: unknown field \"portz\""),
        Case(
            name: "missing required field", yaml: service(replacing: "- port: 443\n    targetPort", with: "- targetPort"), code: .missingField,
            description: "line 17, column 5: spec.ports[1].port: missing required field \"port\""),
        Case(
            name: "missing top-level field", yaml: "apiVersion: v1\nkind: Service\nspec: {ports: []}\n",
            code: .missingField, description: "line 1, column 1: metadata: missing required field \"metadata\""),
        Case(
            name: "invalid enum raw value", yaml: service(replacing: "protocol: TCP", with: "protocol: SCTPX"),
            code: .invalidValue,
            description:
                "line 16, column 15: spec.ports[0].protocol: Cannot initialize PortProtocol from invalid String value SCTPX"),
    ]

    @Test(arguments: cases)
    func errorsNamePathMarkAndExpectation(_ testCase: Case) throws {
        let root = try parseOne(testCase.yaml)
        let error = yamlError {
            if testCase.yaml.hasPrefix("version") {
                _ = try NodeDecoder().decode(Versioned.self, from: root)
            } else {
                _ = try NodeDecoder().decode(Service.self, from: root)
            }
        }
        #expect(error?.code == testCase.code)
        #expect(error?.description == testCase.description)
    }

    @Test func unknownFieldsCanBeCollectedAsWarnings() throws {
        let yaml = Self.service(replacing: "  targetPort: http", with: "  portz: 8080\n    targetPort: http")
            .replacingOccurrences(of: "kind: Service", with: "kind: Service\nstatus: {}")
        let (service, warnings) = try NodeDecoder(unknownFields: .collect).decode(Service.self, from: parseOne(yaml))
        #expect(service.spec.ports[0].targetPort == .string("http"), "decoding continues past unknown fields")
        #expect(
            warnings.map(\.description) == [
                "line 3, column 1: status: unknown field \"status\"",
                "line 16, column 5: spec.ports[0].portz: unknown field \"portz\"",
            ])
        #expect(warnings.allSatisfy { $0.code == .unknownField })
    }

    @Test func collectedWarningsAreNotRepeatedWhenAMappingIsReadTwice() throws {
        struct Peek: Decodable {
            var kind: String
            init(from decoder: any Decoder) throws {
                enum Kind: String, CodingKey { case kind }
                _ = try decoder.container(keyedBy: Kind.self)
                kind = try decoder.container(keyedBy: Kind.self).decode(String.self, forKey: .kind)
            }
        }
        let warnings = try NodeDecoder(unknownFields: .collect).decode(Peek.self, from: parseOne("kind: A\nextra: 1\n")).warnings
        #expect(warnings.map(\.path) == ["extra"])
    }

    @Test func scalarTargetsRejectCollections() throws {
        let error = yamlError { _ = try NodeDecoder().decode([String].self, from: parseOne("[a, {b: c}]")) }
        #expect(error?.description == "line 1, column 5: [1]: expected a string, got a mapping")
    }

    @Test func complexMappingKeysAreRejected() throws {
        let error = yamlError { _ = try NodeDecoder().decode([String: String].self, from: parseOne("? [a]\n: b\n")) }
        #expect(error?.code == .typeMismatch)
        #expect(error?.message == "expected a scalar mapping key, got a sequence")
    }
}
