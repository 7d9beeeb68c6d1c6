import Foundation
import SkiffAPI
import SkiffCLI
import SkiffMessaging
import Testing

/// The commands against a fake apiserver: what they send, what they print, how they fail.
@Suite struct GetCommandTests {
    static let ent = service("ent", age: 300, clusterIP: "127.96.1.0", ports: [servicePort(80, name: "http")], selector: ["app": "ent"])

    static func api() -> FakeAPI {
        FakeAPI { request in
            switch (request.verb, request.resource, request.name) {
            case (.list, "services", _): .success(listJSON([ent], kind: "ServiceList"))
            case (.list, "pods", _): .success(listJSON([Pod](), kind: "PodList"))
            case (.get, "services", "ent"): .success(json(ent))
            case (.get, let resource, let name): .failure(notFound(resource, name))
            default: .failure(statusError(400, "BadRequest", "unexpected \(request.verb)"))
            }
        }
    }

    @Test func tableOfAList() async throws {
        let api = Self.api()
        let (context, console) = makeContext(api)
        try await GetCommand(arguments: ["svc"]).run(context)
        #expect(console.stdout == """
            NAME   TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
            ent    ClusterIP   127.96.1.0   <none>        80/TCP    5m

            """)
        #expect(api.requests.map(\.namespace) == ["default"])
    }

    @Test func allNamespacesAndSelectorGoToTheServer() async throws {
        let api = Self.api()
        let (context, _) = makeContext(api)
        try await GetCommand(arguments: ["services"], allNamespaces: true, selector: "app=ent").run(context)
        #expect(api.requests.first?.namespace == "")
        #expect(api.requests.first?.params["labelSelector"] == "app=ent")
    }

    @Test func missingNameIsReportedAndFails() async throws {
        let (context, console) = makeContext(Self.api())
        await #expect(throws: CLIError.reported) { try await GetCommand(arguments: ["svc", "ent", "nope"]).run(context) }
        #expect(console.stdout.contains("ent "))
        #expect(console.stderr == "Error from server (NotFound): services \"nope\" not found\n")
        let (quiet, quietConsole) = makeContext(Self.api())
        try await GetCommand(arguments: ["svc", "nope"], ignoreNotFound: true).run(quiet)
        #expect(quietConsole.stdout.isEmpty && quietConsole.stderr.isEmpty)
    }

    @Test func emptyListSaysSoOnStderr() async throws {
        let (context, console) = makeContext(Self.api(), namespace: "shop")
        try await GetCommand(arguments: ["po"]).run(context)
        #expect(console.stdout.isEmpty)
        #expect(console.stderr == "No resources found in shop namespace.\n")
    }

    @Test func jsonOfOneObjectIsTheObjectAndOfManyAList() async throws {
        let (context, console) = makeContext(Self.api())
        try await GetCommand(arguments: ["svc", "ent"], output: .json).run(context)
        let object = try JSONSerialization.jsonObject(with: Data(console.stdout.utf8)) as? [String: Any]
        #expect(object?["kind"] as? String == "Service")
        #expect(console.stdout.hasPrefix("{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"Service\",\n"))

        let (listContext, listConsole) = makeContext(Self.api())
        try await GetCommand(arguments: ["svc,po"], output: .json).run(listContext)
        let list = try JSONSerialization.jsonObject(with: Data(listConsole.stdout.utf8)) as? [String: Any]
        #expect(list?["kind"] as? String == "List")
        #expect((list?["items"] as? [Any])?.count == 1)
    }

    @Test func yamlAndNames() async throws {
        let (context, console) = makeContext(Self.api())
        try await GetCommand(arguments: ["svc"], output: .yaml).run(context)
        #expect(console.stdout.hasPrefix("apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Service\n"), "\(console.stdout)")
        #expect(console.stdout.hasSuffix("kind: List\nmetadata:\n  resourceVersion: \"\"\n"), "\(console.stdout)")
        let (names, namesConsole) = makeContext(Self.api())
        try await GetCommand(arguments: ["svc,po"], output: .name).run(names)
        #expect(namesConsole.stdout == "service/ent\n")
    }

    @Test func severalKindsPrefixNames() async throws {
        let pod = Pod(metadata: meta("ent-1"), spec: PodSpec(containers: [Container(name: "c")]))
        let api = FakeAPI { request in
            request.resource == "pods" ? .success(listJSON([pod], kind: "PodList")) : .success(listJSON([Self.ent], kind: "ServiceList"))
        }
        let (context, console) = makeContext(api)
        try await GetCommand(arguments: ["svc,po"]).run(context)
        #expect(console.stdout.contains("service/ent "))
        #expect(console.stdout.contains("\n\nNAME        READY   STATUS   RESTARTS   AGE\npod/ent-1   0/1              0          60s\n"), "\(console.stdout)")
    }

    @Test func badArgumentsAreUsageErrors() async {
        let (context, _) = makeContext(Self.api())
        await #expect(throws: CLIError.self) { try await GetCommand(arguments: ["svc", "ent"], selector: "app=x").run(context) }
        await #expect(throws: CLIError.self) { try await GetCommand(arguments: ["svc", "ent"], allNamespaces: true).run(context) }
        await #expect(throws: CLIError(.usage, "the server doesn't have a resource type \"widgets\"")) {
            try await GetCommand(arguments: ["widgets"]).run(context)
        }
    }
}

@Suite struct DescribeCommandTests {
    @Test func serviceShowsItsEndpointsAndPrefixMatches() async throws {
        let ent = GetCommandTests.ent
        let endpoints = Endpoints(metadata: meta("ent"), subsets: [EndpointSubset(addresses: [EndpointAddress(ip: "127.244.1.5")], ports: [EndpointPort(name: "http", port: 8080)])])
        let api = FakeAPI { request in
            switch (request.verb, request.resource, request.name) {
            case (.get, "services", "ent"): .success(json(ent))
            case (.get, "endpoints", "ent"): .success(json(endpoints))
            case (.list, "services", _): .success(listJSON([ent], kind: "ServiceList"))
            case (_, let resource, let name): .failure(notFound(resource, name))
            }
        }
        let (context, console) = makeContext(api)
        try await DescribeCommand(arguments: ["svc", "en"]).run(context)
        #expect(console.stdout.contains("Endpoints:          127.244.1.5:8080\n"), "\(console.stdout)")
        let (missing, missingConsole) = makeContext(api)
        await #expect(throws: CLIError.reported) { try await DescribeCommand(arguments: ["svc", "zzz"]).run(missing) }
        #expect(missingConsole.stderr == "Error from server (NotFound): services \"zzz\" not found\n")
    }
}

@Suite struct DeleteCommandTests {
    @Test func deletesByNameAndReportsMissing() async throws {
        let api = FakeAPI { request in
            request.name == "ent" ? .success(json(GetCommandTests.ent)) : .failure(notFound(request.resource, request.name))
        }
        let (context, console) = makeContext(api)
        await #expect(throws: CLIError.reported) { try await DeleteCommand(arguments: ["svc", "ent", "gone"]).run(context) }
        #expect(console.stdout == "service \"ent\" deleted\n")
        #expect(console.stderr == "Error from server (NotFound): services \"gone\" not found\n")
        #expect(api.requests.map(\.verb) == [.delete, .delete])

        let (ignoring, ignoringConsole) = makeContext(api)
        try await DeleteCommand(arguments: ["svc/gone", "svc/ent"], ignoreNotFound: true, dryRun: .server).run(ignoring)
        #expect(ignoringConsole.stdout == "service \"ent\" deleted (server dry run)\n")
        #expect(api.requests.last?.params["dryRun"] == "All")
    }

    @Test func bySelectorListsFirst() async throws {
        let api = FakeAPI { request in
            request.verb == .list ? .success(listJSON([GetCommandTests.ent], kind: "ServiceList")) : .success(json(GetCommandTests.ent))
        }
        let (context, console) = makeContext(api)
        try await DeleteCommand(arguments: ["svc"], selector: "app=ent").run(context)
        #expect(api.requests.map(\.verb) == [.list, .delete])
        #expect(console.stdout == "service \"ent\" deleted\n")
        await #expect(throws: CLIError.self) { try await DeleteCommand(arguments: ["svc"]).run(context) }
    }
}

@Suite struct VersionCommandTests {
    @Test func clientAndServer() async throws {
        let api = FakeAPI { _ in .success(Data(#"{"watchEndpoint":"ipc:///w","revision":"12","resources":[],"version":"v0.1.0"}"#.utf8)) }
        let (context, console) = makeContext(api)
        try await VersionCommand().run(context)
        #expect(console.stdout == "Client Version: \(CLI.version)\nServer Version: v0.1.0\nServer Address: ipc:///fake/api.sock (revision 12)\n")
        let (clientOnly, clientConsole) = makeContext(api)
        try await VersionCommand(clientOnly: true).run(clientOnly)
        #expect(clientConsole.stdout == "Client Version: \(CLI.version)\n")
        #expect(api.requests.count == 1)
    }
}

@Suite struct APIResourcesCommandTests {
    @Test func tableSortedByGroupThenName() {
        let discovery = Discovery(watchEndpoint: "tcp://127.0.0.1:6444", revision: "9", resources: [
            .init(name: "services", kind: "Service", apiVersion: "v1", namespaced: true, shortNames: ["svc"]),
            .init(name: "endpointslices", kind: "EndpointSlice", apiVersion: "discovery.k8s.io/v1", namespaced: true, shortNames: []),
            .init(name: "namespaces", kind: "Namespace", apiVersion: "v1", namespaced: false, shortNames: ["ns"]),
        ])
        #expect(APIResourcesCommand.render(discovery) == """
            NAME             SHORTNAMES   APIVERSION            NAMESPACED   KIND
            namespaces       ns           v1                    false        Namespace
            services         svc          v1                    true         Service
            endpointslices                discovery.k8s.io/v1   true         EndpointSlice

            """)
        #expect(APIResourcesCommand.render(discovery, namespaced: true, output: .name) == "services\nendpointslices.discovery.k8s.io\n")
    }
}

@Suite struct DeleteFromFilesTests {
    @Test func namespacesGoLast() async throws {
        let api = FakeAPI { request in .success(Data("{}".utf8)) }
        let manifest = "apiVersion: v1\nkind: Namespace\nmetadata: {name: fresh}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: fresh}\nspec: {ports: [{port: 80}]}\n"
        let (context, console) = makeContext(api, stdin: manifest)
        try await DeleteCommand(arguments: [], manifests: ManifestOptions(files: ["-"])).run(context)
        #expect(console.stdout == "service \"a\" deleted\nnamespace \"fresh\" deleted\n")
        #expect(api.requests.map { "\($0.resource) \($0.namespace)/\($0.name)" } == ["services fresh/a", "namespaces /fresh"])
        await #expect(throws: CLIError.self) { try await DeleteCommand(arguments: ["svc", "a"], manifests: ManifestOptions(files: ["-"])).run(context) }
    }
}
