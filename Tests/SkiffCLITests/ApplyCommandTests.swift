import Foundation
import SkiffAPI
import SkiffCLI
import SkiffMessaging
import Testing

/// apply and create against a fake apiserver: one atomic request, kubectl's output, errors at their line.
@Suite struct ApplyCommandTests {
    static let manifest = """
        apiVersion: v1
        kind: Service
        metadata:
          name: ent
        spec:
          selector: {app: ent}
          ports:
          - name: http
            port: 80
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: shop
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: cart
          namespace: shop
        spec:
          clusterIP: 10.0.0.1
          ports: [{port: 80}]
        """

    /// Answers `apply` with the items it was sent: "configured" for names in `existing`, else "created".
    static func applyAPI(existing: Set<String> = [], failure: APIError? = nil) -> FakeAPI {
        FakeAPI { request in
            guard request.verb == .apply else {
                if request.verb == .create { return existing.contains(request.name) ? .failure(statusError(409, "AlreadyExists", "exists")) : .success(request.body) }
                return .failure(notFound(request.resource, request.name))
            }
            if let failure { return .failure(failure) }
            guard case .array(let items)? = try? OrderedJSON(parsing: request.body)["items"] else { return .failure(statusError(400, "BadRequest", "no List")) }
            let results = items.map { item -> String in
                guard case .string(let name)? = item["metadata"]?["name"] else { return "" }
                return #"{"action":"\#(existing.contains(name) ? "configured" : "created")","object":\#(item.compact)}"#
            }
            return .success(Data(#"{"apiVersion":"v1","kind":"ApplyResult","items":[\#(results.joined(separator: ","))]}"#.utf8))
        }
    }

    @Test func oneAtomicRequestAndKubectlOutput() async throws {
        let api = Self.applyAPI(existing: ["shop"])
        let (context, console) = makeContext(api, stdin: Self.manifest)
        try await ApplyCommand(manifests: ManifestOptions(files: ["-"])).run(context)
        #expect(console.stdout == "service/ent created\nnamespace/shop configured\nservice/cart created\n")
        #expect(api.requests.count == 1)
        let request = try #require(api.requests.first)
        #expect(request.verb == .apply && request.resource == "" && request.params.isEmpty)
        let body = try OrderedJSON(parsing: request.body)
        #expect(body["kind"] == .string("List"))
        guard case .array(let items)? = body["items"] else { Issue.record("no items"); return }
        #expect(items.map { $0["metadata"]?["namespace"] } == [.string("default"), nil, .string("shop")])
    }

    @Test func serverDryRunSuffix() async throws {
        let api = Self.applyAPI()
        let (context, console) = makeContext(api, stdin: Self.manifest)
        try await ApplyCommand(manifests: ManifestOptions(files: ["-"]), dryRun: .server).run(context)
        #expect(api.requests.first?.params["dryRun"] == "All")
        #expect(console.stdout.hasPrefix("service/ent created (server dry run)\n"))
    }

    @Test func localErrorsSendNothing() async throws {
        let api = Self.applyAPI()
        let bad = Self.manifest.replacingOccurrences(of: "port: 80\n---", with: "port: 70000\n---") + "\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
        let (context, console) = makeContext(api, stdin: bad)
        await #expect(throws: CLIError.reported) { try await ApplyCommand(manifests: ManifestOptions(files: ["-"])).run(context) }
        #expect(api.requests.isEmpty)
        let lines = console.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(console.stderr)")  // port, the targetPort defaulted from it, and the kind
        #expect(lines.first?.hasPrefix("<stdin>: document 1, line 9, column 11: spec.ports[0].port: Invalid value: 70000") == true, "\(console.stderr)")
        #expect(lines.last?.contains("Deployment") == true)
    }

    @Test func serverCausesPointAtTheirDocumentAndLine() async throws {
        let refusal = statusError(422, "Invalid", "items[2]: Service \"cart\" is invalid", causes: [
            StatusCause(reason: "FieldValueInvalid", message: "spec.clusterIP: Invalid value: \"10.0.0.1\": provided IP is not in the valid range", field: "items[2].spec.clusterIP"),
        ], kind: "Service", name: "cart")
        let (context, console) = makeContext(Self.applyAPI(failure: refusal), stdin: Self.manifest)
        await #expect(throws: CLIError.reported) { try await ApplyCommand(manifests: ManifestOptions(files: ["-"])).run(context) }
        #expect(console.stdout.isEmpty)
        #expect(console.stderr == "<stdin>: document 3, line 22, column 14: spec.clusterIP: Invalid value: \"10.0.0.1\": provided IP is not in the valid range\n")
    }

    @Test func serverMessageWithoutCausesIsPlacedAtItsObject() async throws {
        let missing = statusError(404, "NotFound", "items[0]: namespaces \"nowhere\" not found")
        let (context, console) = makeContext(Self.applyAPI(failure: missing), stdin: Self.manifest)
        await #expect(throws: CLIError.reported) { try await ApplyCommand(manifests: ManifestOptions(files: ["-"])).run(context) }
        #expect(console.stderr == "<stdin>: document 1, line 1, column 1: namespaces \"nowhere\" not found\n")
        // A server failure that concerns no object is printed as kubectl prints it.
        let (broken, brokenConsole) = makeContext(Self.applyAPI(failure: statusError(500, "InternalError", "store: disk full")), stdin: Self.manifest)
        await #expect(throws: APIError.self) { try await ApplyCommand(manifests: ManifestOptions(files: ["-"])).run(broken) }
        #expect(brokenConsole.stderr.isEmpty)
    }

    @Test func explicitNamespaceConflictsWithTheManifest() async throws {
        let api = Self.applyAPI()
        let (context, console) = makeContext(api, namespace: "default", explicit: true, stdin: Self.manifest)
        await #expect(throws: CLIError.reported) { try await ApplyCommand(manifests: ManifestOptions(files: ["-"])).run(context) }
        #expect(console.stderr.contains("document 3"))
        #expect(console.stderr.contains("--namespace=shop"))
        #expect(api.requests.isEmpty)
    }

    @Test func createChecksEverythingFirstThenCreatesEach() async throws {
        let api = Self.applyAPI()
        let (context, console) = makeContext(api, stdin: Self.manifest)
        try await CreateCommand(manifests: ManifestOptions(files: ["-"])).run(context)
        #expect(api.requests.map(\.verb) == [.apply, .create, .create, .create])
        #expect(api.requests.first?.params["dryRun"] == "All")
        #expect(api.requests.dropFirst().map(\.resource) == ["services", "namespaces", "services"])
        #expect(console.stdout == "service/ent created\nnamespace/shop created\nservice/cart created\n")
    }

    @Test func createOfAnExistingObjectCreatesNothing() async throws {
        let api = Self.applyAPI(existing: ["ent"])
        let (context, console) = makeContext(api, stdin: Self.manifest)
        await #expect(throws: CLIError.reported) { try await CreateCommand(manifests: ManifestOptions(files: ["-"])).run(context) }
        #expect(api.requests.map(\.verb) == [.apply])
        #expect(console.stderr == "Error from server (AlreadyExists): error when creating \"<stdin>\": services \"ent\" already exists\n")
    }

    @Test func statusSubresourceUpdatesOnlyWhatChanged() async throws {
        var stored = Pod(metadata: meta("ent-1"), spec: PodSpec(containers: [Container(name: "c")]))
        stored.status = PodStatus(phase: "Running", conditions: [PodCondition(type: "Ready", status: "True")], podIP: "127.244.1.5")
        let current = stored
        let api = FakeAPI { request in
            switch request.verb {
            case .get: request.name == "ent-1" ? .success(json(current)) : .failure(notFound("pods", request.name))
            case .updateStatus: .success(request.body)
            default: .failure(statusError(400, "BadRequest", "unexpected"))
            }
        }
        let status = """
            apiVersion: v1
            kind: Pod
            metadata: {name: ent-1}
            status:
              phase: Running
              podIP: 127.244.1.5
              conditions: [{type: Ready, status: "True"}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: ent-1}
            status: {phase: Running, podIP: 127.244.1.6}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: ent-9}
            status: {phase: Running}
            """
        let (context, console) = makeContext(api, stdin: status)
        await #expect(throws: CLIError.reported) { try await ApplyCommand(manifests: ManifestOptions(files: ["-"]), subresource: "status").run(context) }
        #expect(console.stdout == "pod/ent-1 unchanged\npod/ent-1 configured\n")
        #expect(console.stderr.contains("pods \"ent-9\" not found"), "\(console.stderr)")
        #expect(api.requests.map(\.verb) == [.get, .get, .updateStatus, .get])
        #expect(api.requests[2].name == "ent-1" && api.requests[2].namespace == "default")
    }

    @Test func unknownFieldsFailUnderStrictAndWarnUnderWarn() async throws {
        let typo = "apiVersion: v1\nkind: Service\nmetadata: {name: ent}\nspec:\n  ports: [{port: 80}]\n  selectr: {app: ent}\n"
        let strictAPI = Self.applyAPI()
        let (strict, strictConsole) = makeContext(strictAPI, stdin: typo)
        await #expect(throws: CLIError.reported) { try await ApplyCommand(manifests: ManifestOptions(files: ["-"])).run(strict) }
        #expect(strictConsole.stderr.hasPrefix("<stdin>: document 1, line 6, column 3: spec.selectr: "), "\(strictConsole.stderr)")
        #expect(strictAPI.requests.isEmpty)

        let warnAPI = Self.applyAPI()
        let (warn, warnConsole) = makeContext(warnAPI, stdin: typo)
        try await ApplyCommand(manifests: ManifestOptions(files: ["-"], validate: .warn)).run(warn)
        #expect(warnConsole.stderr.hasPrefix("Warning: <stdin>: document 1, line 6, column 3: spec.selectr: "), "\(warnConsole.stderr)")
        #expect(warnConsole.stdout == "service/ent created\n")
    }

    @Test func badFlagsAndFiles() async throws {
        let (context, console) = makeContext(Self.applyAPI())
        await #expect(throws: CLIError.self) { try await ApplyCommand(manifests: ManifestOptions(files: ["/nonexistent/x.yaml"])).run(context) }
        await #expect(throws: CLIError.self) { try await ApplyCommand(manifests: ManifestOptions(files: [])).run(context) }
        await #expect(throws: CLIError.self) { try await ApplyCommand(manifests: ManifestOptions(files: ["-"]), subresource: "scale").run(context) }
        #expect(console.stdout.isEmpty)
        #expect(throws: CLIError.self) { try ValidateMode(parsing: "maybe") }
        #expect(try ValidateMode(parsing: "false") == .ignore)
        #expect(throws: CLIError.self) { try DryRun(parsing: "yes") }
    }
}
