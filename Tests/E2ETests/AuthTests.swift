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

/// CURVE through the real executables: `apiserver keygen`, `--curve-secret-key-file`, clients with the server's
/// public key in their config; a wrong or missing key refused with a clear error; tcp:// needing a key or
/// `--plaintext`.
@Suite(.serialized) struct CurveTests {
    static func keygen(_ path: String) async throws -> String {
        let output = await CommandRunner.run(ClusterHarness.binDirectory.appendingPathComponent("apiserver").path, ["keygen", path])
        guard output.status == 0 else { throw HarnessError("apiserver keygen failed: \(output.stderr)") }
        return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func config(_ cluster: ClusterHarness, _ name: String, key: String?) throws -> String {
        try cluster.write(name, "server: \(cluster.server)\ntoken: admin-token\n" + (key.map { "server-key: \($0)\n" } ?? ""))
    }

    @Test func applyGetAndWatchWorkOverCurveAndWrongKeysAreRefused() async throws {
        let cluster = try ClusterHarness()
        let keyFile = cluster.directory.appendingPathComponent("apiserver.key").path
        let publicKey = try await Self.keygen(keyFile)
        #expect(publicKey.count == 40)
        #expect(try await Self.keygen(keyFile) == publicKey, "keygen keeps an existing key")
        #expect(try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int == 0o600)
        let tokens = try cluster.write("tokens.csv", AuthTests.tokens)

        let process = Process()
        process.executableURL = ClusterHarness.binDirectory.appendingPathComponent("apiserver")
        process.arguments = [
            "--data-dir", cluster.directory.appendingPathComponent("data").path, "--listen", cluster.server, "--watch-listen", cluster.watch,
            "--token-file", tokens, "--curve-secret-key-file", keyFile,
        ]
        _ = FileManager.default.createFile(atPath: cluster.logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: cluster.logURL)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        defer { if process.isRunning { process.terminate(); process.waitUntilExit() } }
        let good = try Self.config(cluster, "good.config", key: publicKey)
        try await waitUntil("the apiserver answers over CURVE", timeout: .seconds(30)) {
            guard process.isRunning else { throw HarnessError("apiserver exited:\n\(cluster.log)") }
            return await cluster.skiffctl(["--config", good, "get", "namespaces"]).status == 0
        }

        let watch = try cluster.streamSkiffctl(["--config", good, "get", "svc", "-A", "-w", "-o", "name", "--watch-timeout", "60s"])
        try await watch.waitForLine("service/kube-dns")
        let manifest = try cluster.write("svc.yaml", AuthTests.service)
        let applied = await cluster.skiffctl(["--config", good, "apply", "-f", manifest])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(await cluster.skiffctl(["--config", good, "get", "svc", "web"]).stdout.contains("web"))
        try await watch.waitForLine("service/web")
        _ = try await watch.stop()

        let other = try await Self.keygen(cluster.directory.appendingPathComponent("other.key").path)
        let wrong = try Self.config(cluster, "wrong.config", key: other)
        let refused = await cluster.skiffctl(["--config", wrong, "get", "svc"])
        let flag = await cluster.skiffctl(["--config", good, "--server-key", other, "get", "svc"])
        #expect(flag.status != 0, "--server-key overrides the config file's")
        #expect(flag.stderr.contains("wrong server key?"), "\(flag.stderr)")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("CURVE handshake with \(cluster.server) failed (wrong server key?)"), "\(refused.stderr)")
        let plaintext = await cluster.skiffctl(["--config", try Self.config(cluster, "plain.config", key: nil), "get", "svc"])
        #expect(plaintext.status != 0)
        #expect(plaintext.stderr.contains("handshake with \(cluster.server) failed (does the apiserver use CURVE?"), "\(plaintext.stderr)")
    }

    @Test func tcpIsServedPlaintextOnlyWhenAskedFor() async throws {
        let cluster = try ClusterHarness()
        let apiserver = ClusterHarness.binDirectory.appendingPathComponent("apiserver").path
        let refused = await CommandRunner.run(apiserver, [
            "--data-dir", cluster.directory.appendingPathComponent("data").path,
            "--listen", "tcp://127.0.0.1:0", "--watch-listen", "tcp://127.0.0.1:0",
        ])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("refusing to serve tcp://127.0.0.1:0 and tcp://127.0.0.1:0 unencrypted"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--plaintext"))
        let open = try cluster.write("open.key", "not a key\n")
        let badKey = await CommandRunner.run(apiserver, [
            "--data-dir", cluster.directory.appendingPathComponent("data").path, "--listen", cluster.server, "--watch-listen", cluster.watch,
            "--curve-secret-key-file", open,
        ])
        #expect(badKey.status != 0)
        #expect(badKey.stderr.contains("must be 0600"), "\(badKey.stderr)")
    }
}
