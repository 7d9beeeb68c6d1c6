import SkiffYAML
import Testing

@Suite("Anchors, aliases, merge keys, limits, duplicate keys")
struct AliasAndLimitTests {
    @Test func aliasesExpandToTheAnchoredNode() throws {
        let root = try parseOne("""
            base: &ports
              - port: 80
              - port: 443
            copy: *ports
            name: &n web
            again: *n
            """)
        #expect(Value(try #require(root["copy"])) == Value(try #require(root["base"])))
        #expect(root["again"]?.scalar == "web")
        #expect(root["copy"]?.mark == mark(4, 7), "an alias value is located where the alias is written")
        #expect(root["copy"]?[1]?["port"]?.mark == mark(3, 11), "its contents keep their definition marks")
    }

    @Test func mergeKeysAddKeysThatAreNotStatedExplicitly() throws {
        let root = try parseOne("""
            defaults: &defaults
              protocol: TCP
              port: 80
            extra: &extra
              port: 9999
              appProtocol: http
            single:
              <<: *defaults
              port: 8080
            list:
              name: metrics
              <<: [*defaults, *extra]
            inline:
              <<: {a: 1}
              b: 2
            """)
        #expect(Value(try #require(root["single"])) == Value(try parseOne("{protocol: TCP, port: 8080}")))
        #expect(
            Value(try #require(root["list"]))
                == Value(try parseOne("{name: metrics, protocol: TCP, port: 80, appProtocol: http}")),
            "the first merge source wins over later ones")
        #expect(Value(try #require(root["inline"])) == Value(try parseOne("{a: 1, b: 2}")))
    }

    @Test func quotedMergeKeyIsAnOrdinaryKey() throws {
        let root = try parseOne("base: &b {x: 1}\nm:\n  '<<': *b\n")
        #expect(root["m"]?["<<"]?["x"]?.resolved == .int(1))
    }

    @Test(arguments: ["m:\n  <<: 5\n", "m:\n  <<: [{a: 1}, x]\n"])
    func mergeOfANonMappingIsAnError(_ text: String) {
        let error = yamlError { _ = try YAMLParser.parse(text) }
        #expect(error?.code == .invalidValue)
        #expect(error?.message == "a merge key (<<) needs a mapping or a sequence of mappings")
    }

    @Test func billionLaughsIsRefusedQuicklyAndCheaply() {
        let bomb = """
            a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
            b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
            c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
            d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
            e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
            f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
            g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
            h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
            i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
            """
        let clock = ContinuousClock()
        var error: YAMLError?
        let elapsed = clock.measure { error = yamlError { _ = try YAMLParser.parse(bomb) } }
        #expect(error?.code == .aliasLimit)
        #expect(error?.mark == mark(5, 8), "stops at the first alias past the limit, in the fifth level")
        #expect(error?.message == "alias *d expands past the limit of 10000 nodes per document")
        #expect(elapsed < .seconds(1))
    }

    @Test func aliasLimitIsPerDocumentAndConfigurable() throws {
        let document = "a: &a [1, 2, 3]\nb: [*a, *a]\n"  // each alias adds 4 nodes
        let stream = Array(repeating: document, count: 3).joined(separator: "---\n")
        #expect(try YAMLParser.parse(stream, limits: YAMLLimits(maxAliasExpansion: 8)).count == 3)
        let error = yamlError { _ = try YAMLParser.parse(stream, limits: YAMLLimits(maxAliasExpansion: 7)) }
        #expect(error?.code == .aliasLimit)
        #expect(error?.documentIndex == 1)
    }

    struct AliasErrorCase: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let description: String
        var testDescription: String { name }
    }

    @Test(arguments: [
        AliasErrorCase(name: "undefined", text: "a: 1\nb: *nope\n", description: "line 2, column 4: undefined alias *nope"),
        AliasErrorCase(
            name: "anchor from an earlier document", text: "a: &x 1\n---\nb: *x\n",
            description: "line 3, column 4: undefined alias *x"),
        AliasErrorCase(
            name: "recursive", text: "a: &x [1, *x]\n",
            description: "line 1, column 11: alias *x refers to a node that contains it (recursive alias)"),
    ])
    func badAliasesAreRefused(_ testCase: AliasErrorCase) {
        let error = yamlError { _ = try YAMLParser.parse(testCase.text) }
        #expect(error?.code == .syntax)
        #expect(error?.description == testCase.description)
    }

    @Test func depthLimit() throws {
        let limits = YAMLLimits(maxDepth: 10)
        let ok = String(repeating: "[", count: 10) + String(repeating: "]", count: 10)
        #expect(throws: Never.self) { try YAMLParser.parse(ok, limits: limits) }
        let deep = String(repeating: "[", count: 11) + String(repeating: "]", count: 11)
        let error = yamlError { _ = try YAMLParser.parse(deep, limits: limits) }
        #expect(error?.code == .depthLimit)
        #expect(error?.mark == mark(1, 11))
    }

    @Test func depthLimitCountsAliasedCollections() {
        let text = "a: &a [[[[1]]]]\nb: [[[[[[*a]]]]]]\n"  // 1 + 6 + 4 levels
        #expect(throws: Never.self) { try YAMLParser.parse(text, limits: YAMLLimits(maxDepth: 11)) }
        let error = yamlError { _ = try YAMLParser.parse(text, limits: YAMLLimits(maxDepth: 10)) }
        #expect(error?.code == .depthLimit)
    }

    @Test func defaultDepthLimitStopsHostileNesting() {
        let hostile = String(repeating: "[", count: 100_000)
        let error = yamlError { _ = try YAMLParser.parse(hostile) }
        #expect(error?.code == .depthLimit)
        #expect(error?.message == "nesting is deeper than the limit of 200 levels")
    }

    struct DuplicateCase: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let description: String
        var testDescription: String { name }
    }

    @Test(arguments: [
        DuplicateCase(
            name: "block mapping", text: "metadata:\n  name: a\n  labels: {}\n  name: b\n",
            description: "line 4, column 3: duplicate key \"name\": first at line 2, again at line 4"),
        DuplicateCase(
            name: "quoted and plain spellings", text: "a: 1\n\"a\": 2\n",
            description: "line 2, column 1: duplicate key \"a\": first at line 1, again at line 2"),
        DuplicateCase(
            name: "flow mapping", text: "x: {p: 1, p: 2}\n",
            description: "line 1, column 11: duplicate key \"p\": first at line 1, again at line 1"),
    ])
    func duplicateKeysAreErrors(_ testCase: DuplicateCase) {
        let error = yamlError { _ = try YAMLParser.parse(testCase.text) }
        #expect(error?.code == .duplicateKey)
        #expect(error?.description == testCase.description)
    }

    @Test func sameKeyInSiblingMappingsIsFine() throws {
        let root = try parseOne("- name: a\n- name: b\n")
        #expect(root[1]?["name"]?.scalar == "b")
    }
}
