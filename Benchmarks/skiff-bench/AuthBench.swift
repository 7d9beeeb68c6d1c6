import Foundation
import SkiffMessaging

/// Create latency with and without authentication, authorization, the audit log and the quota, in one run:
/// two apiservers side by side, one plain (no --token-file: every request is system:admin and nothing is
/// checked) and one gated (token file, the default policy plus a Role that lets user `bench` create Services in
/// `default` — so every create walks the RBAC index, not the system:masters shortcut — an audit log and a Service
/// quota). Rounds alternate between the two so that drift (disk, other load) hits both alike.
///
/// Wiring (SkiffBench.swift): `try await AuthBench(bin: bin, creates: creates).run()` in the apiserver suite.
struct AuthBench {
    let bin: String
    /// Creates per server and concurrency level.
    let creates: Int
    let rounds = 10

    static let tokens = """
        bench-token,bench,u1,""
        admin-token,system:admin,u0,"system:masters"
        """

    static let benchPolicy = """
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: service-writer, namespace: default}
        rules:
        - {apiGroups: [""], resources: [services], verbs: [create, get, list, update, delete]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: bench-writes-services, namespace: default}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: service-writer}
        subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: bench}]
        """

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skiff-authbench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokens = directory.appendingPathComponent("tokens.csv").path
        try Self.tokens.write(toFile: tokens, atomically: true, encoding: .utf8)
        let policy = directory.appendingPathComponent("policy.yaml").path
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let defaults = (try? String(contentsOf: root.appendingPathComponent("manifests/policy/default-rbac.yaml"), encoding: .utf8)) ?? ""
        try (defaults + "\n" + Self.benchPolicy).write(toFile: policy, atomically: true, encoding: .utf8)

        let plain = try await BenchServer.start(bin: bin, directory: directory.appendingPathComponent("plain"), arguments: [])
        defer { plain.stop() }
        let gated = try await BenchServer.start(bin: bin, directory: directory.appendingPathComponent("gated"), arguments: [
            "--token-file", tokens, "--authorization-policy", policy,
            "--audit-log", directory.appendingPathComponent("audit.log").path, "--max-services-per-namespace", "1000000",
        ], readyToken: "admin-token")
        defer { gated.stop() }

        print("## Authentication + RBAC + audit + quota: create p50 with and without, same run\n")
        print("| in flight | creates each | plain p50 ms | gated p50 ms | added | plain p99 ms | gated p99 ms |")
        print("|---:|---:|---:|---:|---:|---:|---:|")
        for inFlight in [1, 8] {
            var without: [Double] = [], with: [Double] = []
            let perRound = max(1, creates / rounds)
            for round in 0..<rounds {
                let prefix = "r\(inFlight)-\(round)-"
                // Alternate which server goes first, so that neither always runs right after the other's burst
                // (its WAL checkpoint and page cache writeback still going on).
                if round.isMultiple(of: 2) {
                    without += try await Self.creates(plain.connection, token: nil, prefix: prefix, count: perRound, inFlight: inFlight)
                    with += try await Self.creates(gated.connection, token: "bench-token", prefix: prefix, count: perRound, inFlight: inFlight)
                } else {
                    with += try await Self.creates(gated.connection, token: "bench-token", prefix: prefix, count: perRound, inFlight: inFlight)
                    without += try await Self.creates(plain.connection, token: nil, prefix: prefix, count: perRound, inFlight: inFlight)
                }
            }
            without.sort()
            with.sort()
            let (p50a, p50b) = (Self.percentile(without, 0.5), Self.percentile(with, 0.5))
            print(String(format: "| %d | %d | %.3f | %.3f | %+.1f%% | %.3f | %.3f |", inFlight, without.count, p50a, p50b, (p50b / p50a - 1) * 100,
                         Self.percentile(without, 0.99), Self.percentile(with, 0.99)))
        }
        print()
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }

    /// `count` Service creates in `default` with `inFlight` outstanding; each latency in ms.
    static func creates(_ connection: Connection, token: String?, prefix: String, count: Int, inFlight: Int) async throws -> [Double] {
        let next = Counter()
        return try await withThrowingTaskGroup(of: [Double].self) { group in
            for _ in 0..<inFlight {
                group.addTask {
                    var mine: [Double] = []
                    while true {
                        let index = next.take()
                        guard index < count else { return mine }
                        let name = "\(prefix)\(index)"
                        let body = #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"\#(name)","labels":{"app":"\#(name)"}},"spec":{"selector":{"app":"\#(name)"},"ports":[{"name":"http","port":80,"targetPort":8080}]}}"#
                        let request = Request(verb: .create, resource: "services", namespace: "default", token: token, body: Data(body.utf8))
                        let sent = ContinuousClock.now
                        let response = try await connection.call(request, timeout: .seconds(30))
                        guard response.code == 201 else { throw BenchError("create \(name): \(response.code) \(String(decoding: response.body, as: UTF8.self))") }
                        mine.append((ContinuousClock.now - sent).milliseconds)
                    }
                }
            }
            var all: [Double] = []
            for try await part in group { all += part }
            return all
        }
    }
}

/// An apiserver process with extra flags, ready once it answers a list (with `readyToken` when gated).
private final class BenchServer: @unchecked Sendable {
    let process = Process()
    let connection: Connection

    private init(connection: Connection) { self.connection = connection }

    static func start(bin: String, directory: URL, arguments: [String], readyToken: String? = nil) async throws -> BenchServer {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let endpoint = "ipc://\(directory.path)/api.sock"
        let server = BenchServer(connection: try Connection(endpoint: endpoint))
        server.process.executableURL = URL(fileURLWithPath: bin).appendingPathComponent("apiserver")
        server.process.arguments = ["--data-dir", directory.appendingPathComponent("data").path, "--listen", endpoint,
                                    "--watch-listen", "ipc://\(directory.path)/watch.sock", "--log-level", "warning"] + arguments
        server.process.standardError = FileHandle.standardError
        try server.process.run()
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            guard server.process.isRunning, ContinuousClock.now < deadline else { server.stop(); throw BenchError("apiserver did not start") }
            if let response = try? await server.connection.call(Request(verb: .list, resource: "namespaces", token: readyToken), timeout: .seconds(1)),
               response.code == 200 { return server }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    func stop() {
        connection.close()
        if process.isRunning { process.terminate(); process.waitUntilExit() }
    }
}
