import Foundation
import Testing

/// The real apiserver with a token file, the default policy, an audit log and the Service quota; skiffctl with
/// --token. The harness's own start waits with a token-less skiffctl (a 401 here), so this suite starts the
/// apiserver itself and stops it at the end.
@Suite(.serialized) struct AuthTests {
    static let tokens = """
        admin-token,system:admin,u0,"system:masters"
        ep-token,system:endpoints-controller,u1,""
        node1-token,system:node:node-1,u3,"system:nodes"
        alice-token,alice,u5,""
        """

    static let service = """
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          selector: {app: web}
          ports: [{port: 80, targetPort: 8080}]
        """

    static let aliceReads = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: service-reader}
        rules:
        - {apiGroups: [""], resources: [services], verbs: [get, list, watch]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: alice-reads-services}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: service-reader}
        subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}]
        """

    @Test func tokensPolicyAuditAndQuotaThroughTheRealExecutables() async throws {
        let cluster = try ClusterHarness()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let tokenFile = try cluster.write("tokens.csv", Self.tokens)
        let policy = root.appendingPathComponent("manifests/policy/default-rbac.yaml").path
        let audit = cluster.directory.appendingPathComponent("audit.log").path
        let process = Process()
        process.executableURL = ClusterHarness.binDirectory.appendingPathComponent("apiserver")
        process.arguments = [
            "--data-dir", cluster.directory.appendingPathComponent("data").path, "--listen", cluster.server, "--watch-listen", cluster.watch,
            "--token-file", tokenFile, "--authorization-policy", policy, "--audit-log", audit, "--max-services-per-namespace", "1",
        ]
        _ = FileManager.default.createFile(atPath: cluster.logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: cluster.logURL)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        defer { if process.isRunning { process.terminate(); process.waitUntilExit() } }
        try await waitUntil("the apiserver answers the admin", timeout: .seconds(30)) {
            guard process.isRunning else { throw HarnessError("apiserver exited:\n\(cluster.log)") }
            return await cluster.skiffctl(["--token", "admin-token", "get", "namespaces"]).status == 0
        }

        let anonymous = await cluster.skiffctl(["get", "svc", "-A"])
        #expect(anonymous.status != 0)
        #expect(anonymous.stderr.contains("Unauthorized"), "\(anonymous.stderr)")
        let forged = await cluster.skiffctl(["--token", "forged", "get", "svc", "-A"])
        #expect(forged.status != 0)

        let manifest = try cluster.write("svc.yaml", Self.service)
        let controller = await cluster.skiffctl(["--token", "ep-token", "apply", "-f", manifest])
        #expect(controller.status != 0)
        #expect(controller.stderr.contains(#"services is forbidden: User "system:endpoints-controller" cannot create resource "services" in API group "" in the namespace "default""#),
                "\(controller.stderr)")
        #expect(await cluster.skiffctl(["--token", "ep-token", "get", "svc", "-A"]).status == 0)

        let denied = await cluster.skiffctl(["--token", "alice-token", "get", "svc", "-A"])
        #expect(denied.status != 0)
        #expect(denied.stderr.contains(#"User "alice" cannot list resource "services""#), "\(denied.stderr)")
        let grant = try cluster.write("grant.yaml", Self.aliceReads)
        let granted = await cluster.skiffctl(["--token", "admin-token", "apply", "-f", grant])
        #expect(granted.status == 0, "\(granted.stderr)")
        let listed = await cluster.skiffctl(["--token", "alice-token", "get", "svc", "-A"])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("kube-dns"))
        #expect(await cluster.skiffctl(["--token", "admin-token", "get", "clusterrolebindings"]).stdout.contains("ClusterRole/service-reader"))

        #expect(await cluster.skiffctl(["--token", "admin-token", "apply", "-f", manifest]).status == 0)
        var second = Self.service.replacingOccurrences(of: "name: web", with: "name: web2")
        second = second.replacingOccurrences(of: "app: web", with: "app: web2")
        let over = await cluster.skiffctl(["--token", "admin-token", "apply", "-f", try cluster.write("svc2.yaml", second)])
        #expect(over.status != 0)
        #expect(over.stderr.contains("exceeded quota: max-services-per-namespace, requested: services=1, used: services=1, limited: services=1"), "\(over.stderr)")

        process.terminate()
        process.waitUntilExit()
        let lines = try String(contentsOfFile: audit, encoding: .utf8).split(separator: "\n")
        #expect(lines.contains { $0.contains(#""user":"system:endpoints-controller""#) && $0.contains(#""decision":"deny""#) && $0.contains(#""code":403"#) })
        #expect(lines.contains { $0.contains(#""user":"""#) && $0.contains(#""code":401"#) })
        #expect(lines.contains { $0.contains(#""user":"alice""#) && $0.contains(#""decision":"allow""#) && $0.contains(#""verb":"list""#) })
        let mode = try FileManager.default.attributesOfItem(atPath: audit)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func withoutATokenFileEveryoneIsAdminAsBefore() async throws {
        let cluster = try ClusterHarness()
        try await cluster.startAPIServer()
        let manifest = try cluster.write("svc.yaml", Self.service)
        #expect(await cluster.skiffctl(["apply", "-f", manifest]).status == 0)
        #expect(await cluster.skiffctl(["--token", "anything", "get", "svc", "web"]).status == 0)
        try await cluster.stopAPIServer()
    }
}
