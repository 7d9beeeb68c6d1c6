import SkiffYAML
import Testing

@Suite("Parsing: documents, styles, marks, syntax errors")
struct ParserTests {
    @Test func multipleDocumentsWithSeparatorsAndEndMarkers() throws {
        let text = """
            apiVersion: v1
            kind: Service
            ---
            kind: Pod
            ...
            ---
            # only a comment
            ---
            kind: Namespace
            ...

            """
        let documents = try YAMLParser.parse(text)
        #expect(documents.map(\.index) == [1, 2, 3, 4])
        #expect(documents[0].root?["kind"]?.scalar == "Service")
        #expect(documents[1].root?["kind"]?.scalar == "Pod")
        #expect(documents[2].root == nil)
        #expect(documents[3].root?["kind"]?.scalar == "Namespace")
        #expect(documents.map(\.start) == [mark(1, 1), mark(3, 1), mark(6, 1), mark(8, 1)])
    }

    struct EmptyCase: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let documents: Int
        var testDescription: String { name }
    }

    @Test(arguments: [
        EmptyCase(name: "empty input", text: "", documents: 0),
        EmptyCase(name: "only comments", text: "# nothing\n# here\n", documents: 0),
        EmptyCase(name: "lone separator", text: "---\n", documents: 1),
        EmptyCase(name: "explicit null", text: "--- null\n", documents: 1),
        EmptyCase(name: "tilde", text: "~\n", documents: 1),
    ])
    func emptyDocumentsHaveNoRoot(_ testCase: EmptyCase) throws {
        let documents = try YAMLParser.parse(testCase.text)
        #expect(documents.count == testCase.documents)
        #expect(documents.allSatisfy { $0.root == nil })
    }

    @Test func commentsAreIgnored() throws {
        let root = try parseOne("""
            # leading
            a: 1 # trailing
            # between
            b: "# not a comment"
            c: x#y
            """)
        #expect(Value(root) == Value(try parseOne(##"{"a": 1, "b": "# not a comment", "c": "x#y"}"##)))
    }

    @Test func flowStyle() throws {
        let root = try parseOne("{a: 1, b: [x, y], c: {d: null}, e: []}")
        guard case .mapping(let pairs) = root.content else { throw Failure("not a mapping") }
        #expect(pairs.map(\.key.scalar) == ["a", "b", "c", "e"])
        #expect(root["a"]?.resolved == .int(1))
        #expect(root["b"]?[1]?.scalar == "y")
        #expect(root["c"]?["d"]?.isNull == true)
        #expect(root["e"]?.content == .sequence([]))
    }

    @Test func jsonIsYAML() throws {
        let root = try parseOne(#"""
            {"kind": "Service", "spec": {"ports": [{"port": 80, "name": "http"}], "x": [true, null, 1.5, "80"]},
             "escaped": "a\/b\u00e9\n"}
            """#)
        #expect(root.node(at: "spec.ports[0].port")?.resolved == .int(80))
        #expect(root["spec"]?["x"].map(Value.init)
            == .sequence([.scalar(.bool(true)), .scalar(.null), .scalar(.float(1.5)), .scalar(.string("80"))]))
        #expect(root["escaped"]?.scalar == "a/bé\n")
    }

    @Test func blockScalars() throws {
        let root = try parseOne("""
            literal: |
              line one
                indented
              line three
            folded: >
              one
              two

              three
            stripped: |-
              no newline
            kept: |+
              keep

            end: x
            """)
        #expect(root["literal"]?.scalar == "line one\n  indented\nline three\n")
        #expect(root["folded"]?.scalar == "one two\nthree\n")
        #expect(root["stripped"]?.scalar == "no newline")
        #expect(root["kept"]?.scalar == "keep\n\n")
        #expect(root["literal"]?.content == .scalar("line one\n  indented\nline three\n", .literal))
        #expect(root["folded"].map { if case .scalar(_, .folded) = $0.content { true } else { false } } == true)
    }

    @Test func marksAreOneBasedAndValuesHaveTheirOwn() throws {
        let root = try parseOne("""
            metadata:
              name: web
            spec:
              ports:
              - port: 80
                name: "http"
            """)
        guard case .mapping(let pairs) = root.content else { throw Failure("not a mapping") }
        #expect(root.mark == mark(1, 1))
        #expect(pairs[0].key.mark == mark(1, 1))
        #expect(pairs[0].value.mark == mark(2, 3))
        #expect(root["metadata"]?["name"]?.mark == mark(2, 9))
        #expect(root["spec"]?["ports"]?.mark == mark(5, 3))
        #expect(root["spec"]?["ports"]?[0]?.mark == mark(5, 5))
        #expect(root.node(at: "spec.ports[0].port")?.mark == mark(5, 11))
        #expect(root.node(at: "spec.ports[0].name")?.mark == mark(6, 11))
    }

    @Test func byteOrderMarkAndWindowsLineEndings() throws {
        let root = try parseOne("\u{FEFF}a: 1\r\nb:\r\n  c: two\r\n")
        #expect(root["a"]?.resolved == .int(1))
        #expect(root["b"]?["c"]?.scalar == "two")
        #expect(root["b"]?["c"]?.mark == mark(3, 6))
    }

    struct SyntaxCase: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let description: String
        let documentIndex: Int
        var testDescription: String { name }
    }

    @Test(arguments: [
        SyntaxCase(
            name: "mapping value in a plain scalar", text: "a: 1\nb: 2\nc: d: e\n",
            description: "line 3, column 5: mapping values are not allowed in this context", documentIndex: 1),
        SyntaxCase(
            name: "bad indentation", text: "kind: Pod\n---\nmetadata:\n  name: a\n bad: b\n",
            description: "line 5, column 2: did not find expected key (while parsing a block mapping at line 3, column 1)",
            documentIndex: 2),
        SyntaxCase(
            name: "unclosed flow sequence", text: "a: [1, 2\n",
            description:
                "line 2, column 1: did not find expected ',' or ']' (while parsing a flow sequence at line 1, column 4)",
            documentIndex: 1),
        SyntaxCase(
            name: "tab indentation", text: "a:\n\tb: 1\n",
            description:
                "line 2, column 1: found character that cannot start any token (while scanning for the next token at line 2, column 1)",
            documentIndex: 1),
        SyntaxCase(
            name: "control character", text: "a: b\nc: \u{7}\n",
            description: "line 2, column 4: control characters are not allowed (character 0x7)", documentIndex: 1),
    ])
    func syntaxErrorsCarryLibyamlsProblemAndMark(_ testCase: SyntaxCase) {
        let error = yamlError { _ = try YAMLParser.parse(testCase.text) }
        #expect(error?.code == .syntax)
        #expect(error?.description == testCase.description)
        #expect(error?.documentIndex == testCase.documentIndex)
    }

    @Test func inputLargerThanTheLimitIsRefusedUpFront() {
        let limits = YAMLLimits(maxInputBytes: 16)
        let error = yamlError { _ = try YAMLParser.parse("a: 0123456789abcdef", limits: limits) }
        #expect(error?.code == .sizeLimit)
    }

    @Test func manyDocumentsParseInLinearTime() throws {
        let document = """
            apiVersion: v1
            kind: Service
            metadata: {name: svc, labels: {app: web, tier: frontend}}
            spec:
              ports:
              - {port: 80, targetPort: 8080}

            """
        let text = Array(repeating: document, count: 5000).joined(separator: "---\n")
        let clock = ContinuousClock()
        var documents: [YAMLDocument] = []
        let elapsed = try clock.measure { documents = try YAMLParser.parse(text) }
        #expect(documents.count == 5000)
        #expect(documents[4999].root?.node(at: "spec.ports[0].targetPort")?.resolved == .int(8080))
        #expect(elapsed < .seconds(20))
    }
}

struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
