import SkiffYAML
import Testing

// Test-only shapes, close to a Kubernetes Service.
struct Service: Decodable, Equatable {
    var apiVersion: String
    var kind: String
    var metadata: Metadata
    var spec: Spec
}

struct Metadata: Decodable, Equatable {
    var name: String
    var labels: [String: String]?
}

struct Spec: Decodable, Equatable {
    var ports: [Port]
    var selector: [String: String]?
    var clusterIP: String?
    var publishNotReadyAddresses: Bool?
}

struct Port: Decodable, Equatable {
    var name: String?
    var port: Int32
    var targetPort: IntOrString?
    var nodePort: UInt16?
    var `protocol`: PortProtocol?
}

enum PortProtocol: String, Decodable, Equatable {
    case tcp = "TCP", udp = "UDP"
}

/// Tries an integer first, then a string, as Kubernetes' IntOrString does.
enum IntOrString: Decodable, Equatable {
    case int(Int32), string(String)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int32.self) {
            self = .int(value)
        } else {
            self = .string(try container.decode(String.self))
        }
    }
}

struct Versioned: Decodable {
    var version: String
}

let serviceYAML = """
    apiVersion: v1
    kind: Service
    metadata:
      name: web
      labels:
        app.kubernetes.io/name: web
        80: port-as-key
    spec:
      selector: {app: web}
      publishNotReadyAddresses: true
      clusterIP:
      ports:
      - name: http
        port: 80
        targetPort: http
        protocol: TCP
      - port: 443
        targetPort: 8443
        nodePort: 30443
    """

@Suite("NodeDecoder: values")
struct DecoderTests {
    @Test func decodesANestedStruct() throws {
        let (service, warnings) = try NodeDecoder().decode(Service.self, from: parseOne(serviceYAML))
        #expect(warnings.isEmpty)
        #expect(
            service
                == Service(
                    apiVersion: "v1", kind: "Service",
                    metadata: Metadata(name: "web", labels: ["app.kubernetes.io/name": "web", "80": "port-as-key"]),
                    spec: Spec(
                        ports: [
                            Port(name: "http", port: 80, targetPort: .string("http"), nodePort: nil, protocol: .tcp),
                            Port(name: nil, port: 443, targetPort: .int(8443), nodePort: 30443, protocol: nil),
                        ],
                        selector: ["app": "web"], clusterIP: nil, publishNotReadyAddresses: true)))
    }

    @Test func quotedNumberFallsBackToStringInIntOrString() throws {
        let port = try NodeDecoder().decode(Port.self, from: parseOne("port: 1\ntargetPort: \"8080\"\n")).value
        #expect(port.targetPort == .string("8080"))
    }

    struct NumberCase: Sendable, CustomTestStringConvertible {
        let name: String
        let yaml: String
        let expected: Int64
        var testDescription: String { name }
    }

    @Test(arguments: [
        NumberCase(name: "decimal", yaml: "42", expected: 42),
        NumberCase(name: "negative", yaml: "-42", expected: -42),
        NumberCase(name: "hex", yaml: "0xff", expected: 255),
        NumberCase(name: "octal", yaml: "0o17", expected: 15),
        NumberCase(name: "whole float", yaml: "80.0", expected: 80),
        NumberCase(name: "exponent", yaml: "1e3", expected: 1000),
        NumberCase(name: "explicit !!int tag on quoted", yaml: "!!int '7'", expected: 7),
    ])
    func integers(_ testCase: NumberCase) throws {
        #expect(try NodeDecoder().decode(Int64.self, from: parseOne(testCase.yaml)).value == testCase.expected)
    }

    @Test func integerWidthsAreExact() throws {
        #expect(try NodeDecoder().decode(UInt64.self, from: parseOne("18446744073709551615")).value == .max)
        #expect(try NodeDecoder().decode(Int8.self, from: parseOne("-128")).value == -128)
        #expect(try NodeDecoder().decode(UInt8.self, from: parseOne("0xff")).value == 255)
    }

    @Test func doublesAcceptIntegersAndSpecialValues() throws {
        let values = try NodeDecoder().decode([Double].self, from: parseOne("[1, 2.5, -.inf, 1e-3]")).value
        #expect(values == [1, 2.5, -.infinity, 0.001])
        #expect(try NodeDecoder().decode(Float.self, from: parseOne("0.5")).value == 0.5)
    }

    @Test func nullIntoOptionalIsNil() throws {
        let values = try NodeDecoder().decode([Int?].self, from: parseOne("[1, ~, null, 4]")).value
        #expect(values == [1, nil, nil, 4])
        #expect(try NodeDecoder().decode(Metadata.self, from: parseOne("name: a\nlabels:\n")).value.labels == nil)
    }

    @Test func dictionariesWithNonStringScalarKeys() throws {
        let map = try NodeDecoder().decode([String: Int].self, from: parseOne("80: 1\ntrue: 2\n~: 3\n1.5: 4\n")).value
        #expect(map == ["80": 1, "true": 2, "~": 3, "1.5": 4])
        let byPort = try NodeDecoder().decode([Int: String].self, from: parseOne("80: http\n443: https\n")).value
        #expect(byPort == [80: "http", 443: "https"])
    }

    @Test func mergeKeysDecode() throws {
        let text = """
            defaults: &d {port: 1, protocol: TCP, targetPort: 8080}
            ports:
            - <<: *d
              port: 80
            """
        struct Holder: Decodable {
            var defaults: Port?
            var ports: [Port]
        }
        let ports = try NodeDecoder().decode(Holder.self, from: parseOne(text)).value.ports
        #expect(ports == [Port(name: nil, port: 80, targetPort: .int(8080), nodePort: nil, protocol: .tcp)])
    }

    @Test func jsonLikeEnumDecodesAnyTree() throws {
        let value = try NodeDecoder().decode(JSONValue.self, from: parseOne("""
            a: [1, 2.5, "s", true, null]
            b: {c: {}}
            d: []
            e: plain
            """)).value
        #expect(
            value
                == .object([
                    "a": .array([.number(1), .number(2.5), .string("s"), .bool(true), .null]),
                    "b": .object(["c": .object([:])]), "d": .array([]), "e": .string("plain"),
                ]))
    }

    @Test func decodingADocumentStampsItsIndex() throws {
        let documents = try YAMLParser.parse("version: \"1\"\n---\nversion: 2\n")
        #expect(try NodeDecoder().decode(Versioned.self, from: documents[0]).value.version == "1")
        let error = yamlError { _ = try NodeDecoder().decode(Versioned.self, from: documents[1]) }
        #expect(error?.documentIndex == 2)
        #expect(error?.mark == mark(3, 10))
    }
}

/// A JSON-like value that tries keyed, then unkeyed, then single-value decoding.
enum JSONValue: Decodable, Equatable {
    case object([String: JSONValue]), array([JSONValue]), string(String), number(Double), bool(Bool), null

    init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: AnyKey.self) {
            var result: [String: JSONValue] = [:]
            for key in object.allKeys { result[key.stringValue] = try object.decode(JSONValue.self, forKey: key) }
            self = .object(result)
        } else if var array = try? decoder.unkeyedContainer() {
            var result: [JSONValue] = []
            while !array.isAtEnd { result.append(try array.decode(JSONValue.self)) }
            self = .array(result)
        } else {
            let single = try decoder.singleValueContainer()
            if single.decodeNil() {
                self = .null
            } else if let bool = try? single.decode(Bool.self) {
                self = .bool(bool)
            } else if let number = try? single.decode(Double.self) {
                self = .number(number)
            } else {
                self = .string(try single.decode(String.self))
            }
        }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
