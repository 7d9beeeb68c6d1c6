import SkiffAPI
import SkiffYAML
import Testing

@Suite struct ManifestLoaderTests {
    func load(_ text: String, name: String = "m.yaml", configure: (inout ManifestLoader) -> Void = { _ in }) throws(ManifestErrors) -> [ManifestObject] {
        var loader = ManifestLoader()
        configure(&loader)
        return try loader.load([ManifestSource(name: name, text: text)]).objects
    }

    func errors(_ text: String, name: String = "m.yaml", configure: (inout ManifestLoader) -> Void = { _ in }) -> [String] {
        do {
            _ = try load(text, name: name, configure: configure)
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    @Test func loadsEveryKindAndDefaultsTheNamespace() throws {
        let objects = try load("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: cart, namespace: shop}
            spec: {selector: {app: cart}, ports: [{name: http, port: 80, targetPort: http}]}
            ---
            # a comment-only document is skipped
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: cart-abc}
            addressType: IPv4
            endpoints: [{addresses: ["127.244.1.5"], conditions: {ready: true}}]
            ports: [{name: http, port: 8080}]
            ...
            """)
        #expect(objects.map { type(of: $0.object).resource.kind } == ["Namespace", "Service", "EndpointSlice"])
        #expect(objects.map(\.documentIndex) == [1, 2, 4])
        #expect(objects[0].object.metadata.namespace == nil)
        #expect(objects[1].object.metadata.namespace == "shop")
        #expect(objects[2].object.metadata.namespace == "default")
    }

    @Test func aListDocumentHoldsSeveralObjects() throws {
        let objects = try load("""
            apiVersion: v1
            kind: List
            items:
            - {apiVersion: v1, kind: Service, metadata: {name: a}, spec: {ports: [{port: 80}]}}
            - {apiVersion: v1, kind: Service, metadata: {name: b}, spec: {ports: [{port: 81}]}}
            """)
        #expect(objects.map(\.object.name) == ["a", "b"])
    }

    struct BadCase: CustomTestStringConvertible, Sendable {
        var name: String
        var yaml: String
        var expected: String
        var testDescription: String { name }
    }

    static let badCases: [BadCase] = [
        BadCase(name: "port out of range, located in the second document", yaml: """
            apiVersion: v1
            kind: Service
            metadata: {name: ok}
            spec: {ports: [{port: 80}]}
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: bad
            spec:
              ports:
              - name: http
                port: 70000
            """, expected: "m.yaml: document 2, line 13, column 11: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive"),
        BadCase(name: "unknown kind lists what is served", yaml: "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n",
                expected: "m.yaml: document 1, line 2, column 7: kind: kind \"Deployment\" (apps/v1) is not served by Skiff; served kinds: Namespace, Service, Pod, Endpoints, EndpointSlice (discovery.k8s.io/v1), Node"),
        BadCase(name: "wrong apiVersion for a served kind", yaml: "apiVersion: v2\nkind: Service\nmetadata: {name: x}\n",
                expected: "m.yaml: document 1, line 1, column 13: apiVersion: apiVersion \"v2\" is not served for kind Service; use v1"),
        BadCase(name: "unknown field", yaml: "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec:\n  portz: []\n",
                expected: "m.yaml: document 1, line 5, column 3: spec.portz: unknown field \"portz\""),
        BadCase(name: "quoted port number", yaml: "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec:\n  ports:\n  - port: \"80\"\n",
                expected: "m.yaml: document 1, line 6, column 11: spec.ports[0].port: expected an integer, got string \"80\""),
        BadCase(name: "missing kind", yaml: "apiVersion: v1\nmetadata: {name: x}\n",
                expected: "m.yaml: document 1, line 1, column 1: kind: Required value: every object needs a kind"),
        BadCase(name: "syntax error", yaml: "apiVersion: v1\nkind: Service\nmetadata: {name: x\n",
                expected: "m.yaml: document 1, line 4, column 1: did not find expected ',' or '}'"),
        BadCase(name: "invalid service name", yaml: "apiVersion: v1\nkind: Service\nmetadata: {name: Bad_Name}\nspec: {ports: [{port: 80}]}\n",
                expected: "m.yaml: document 1, line 3, column 18: metadata.name: Invalid value: \"Bad_Name\": a DNS-1035 label"),
    ]

    @Test(arguments: badCases)
    func errorsNameFileDocumentLineAndField(_ bad: BadCase) {
        let found = errors(bad.yaml)
        #expect(found.contains { $0.hasPrefix(bad.expected) }, "got: \(found)")
    }

    @Test func aliasBombIsRefused() {
        let bomb = """
            a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
            b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
            c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
            d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
            e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
            f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
            g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
            """
        let found = errors(bomb)
        #expect(found.count == 1)
        #expect(found.first?.contains("alias") == true, "\(found)")
    }

    @Test func everyErrorIsReportedNotOnlyTheFirst() {
        let found = errors("""
            apiVersion: v1
            kind: Service
            metadata: {name: a}
            spec: {ports: [{port: 0}]}
            ---
            apiVersion: v1
            kind: Ingress
            metadata: {name: b}
            """)
        // Port 0 is reported twice, as Kubernetes does: targetPort defaults to the port.
        #expect(found.count == 3, "\(found)")
        #expect(found.last?.contains("document 2, line 7, column 7: kind") == true)
    }

    @Test func unknownFieldsCanBeWarnings() throws {
        var warnings: [ManifestError] = []
        var loader = ManifestLoader()
        loader.unknownFields = .warn
        let result = try loader.load([ManifestSource(name: "w.yaml", text: "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\nspecial: 1\n")])
        warnings = result.warnings
        #expect(result.objects.count == 1)
        #expect(warnings.map(\.description) == ["w.yaml: document 1, line 4, column 1: special: unknown field \"special\""])
    }

    @Test func anExplicitNamespaceMustMatch() {
        let found = errors("apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: shop}\nspec: {ports: [{port: 80}]}\n") {
            $0.defaultNamespace = "default"
            $0.namespaceExplicit = true
        }
        #expect(found.first?.contains("does not match the namespace \"default\"") == true, "\(found)")
    }

    @Test func serverErrorsAreLocatedInTheDocument() throws {
        let object = try load("apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  clusterIP: 10.0.0.1\n  ports: [{port: 80}]\n", name: "s.yaml")[0]
        let located = object.error(field: "spec.clusterIP", message: "provided IP is not in the valid range")
        #expect(located.description == "s.yaml: document 1, line 5, column 14: spec.clusterIP: provided IP is not in the valid range")
    }
}
