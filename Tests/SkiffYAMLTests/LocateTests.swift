import SkiffYAML
import Testing

@Suite("Node.locate")
struct LocateTests {
    static let yaml = """
        metadata:
          name: web
          labels:
            app: short
            app.kubernetes.io/name: web
            app.kubernetes.io: prefix-only
        spec:
          ports:
          - name: http
            port: 80
          - port: 443
          selector:
            a.b: {c: deep}
            a: {b: {d: other}}
        """

    struct Case: Sendable, CustomTestStringConvertible {
        let path: String
        let expected: Mark
        let exists: Bool
        var testDescription: String { path.isEmpty ? "<root>" : path }
    }

    @Test(arguments: [
        Case(path: "", expected: Mark(line: 1, column: 1), exists: true),
        Case(path: "metadata", expected: Mark(line: 2, column: 3), exists: true),
        Case(path: "metadata.name", expected: Mark(line: 2, column: 9), exists: true),
        Case(path: "metadata.labels.app", expected: Mark(line: 4, column: 10), exists: true),
        Case(path: "metadata.labels.app.kubernetes.io/name", expected: Mark(line: 5, column: 29), exists: true),
        Case(path: "metadata.labels.app.kubernetes.io", expected: Mark(line: 6, column: 24), exists: true),
        Case(path: "spec.ports", expected: Mark(line: 9, column: 3), exists: true),
        Case(path: "spec.ports[0].port", expected: Mark(line: 10, column: 11), exists: true),
        Case(path: "spec.ports[1].port", expected: Mark(line: 11, column: 11), exists: true),
        Case(path: "spec.ports[1]", expected: Mark(line: 11, column: 5), exists: true),
        Case(path: "spec.selector.a.b.c", expected: Mark(line: 13, column: 14), exists: true),
        Case(path: "spec.selector.a.b.d", expected: Mark(line: 14, column: 16), exists: true),
        Case(path: "spec.ports[1].name", expected: Mark(line: 11, column: 5), exists: false),
        Case(path: "spec.ports[7].port", expected: Mark(line: 9, column: 3), exists: false),
        Case(path: "spec.ports.port", expected: Mark(line: 9, column: 3), exists: false),
        Case(path: "spec.clusterIP", expected: Mark(line: 8, column: 3), exists: false),
        Case(path: "status.podIP", expected: Mark(line: 1, column: 1), exists: false),
        Case(path: "metadata.name.first", expected: Mark(line: 2, column: 9), exists: false),
    ])
    func locatesPathsAndFallsBackToTheDeepestNode(_ testCase: Case) throws {
        let root = try parseOne(Self.yaml)
        #expect(root.locate(testCase.path) == testCase.expected)
        #expect((root.node(at: testCase.path) != nil) == testCase.exists)
    }
}
