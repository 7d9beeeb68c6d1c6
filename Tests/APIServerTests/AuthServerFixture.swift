import APIServer
import Foundation
import Logging
import SkiffAPI
import SkiffMessaging

/// A real apiserver in this process with authentication on: `AuthAPI.tokens`, the default policy, an audit log,
/// optionally CURVE (a key pair written with `CurveKeyPair`), on ipc sockets in a temp dir.
final class AuthServer: @unchecked Sendable {
    let directory: URL
    let options: APIServerOptions
    let keys: CurveKeyPair?
    private(set) var server: APIServer
    private var task: Task<Void, any Error>?

    static let bookmarkInterval: Duration = .milliseconds(100)

    init(curve: Bool = false) async throws {
        directory = URL(fileURLWithPath: "/tmp/skiff-auth-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var options = APIServerOptions(dataDirectory: directory.appendingPathComponent("data"))
        options.listen = "ipc://\(directory.path)/api.sock"
        options.watchListen = "ipc://\(directory.path)/watch.sock"
        options.watch = WatchPublisherOptions(bookmarkInterval: Self.bookmarkInterval)
        options.tokenFile = directory.appendingPathComponent("tokens.csv")
        try AuthAPI.tokens.write(to: options.tokenFile!, atomically: true, encoding: .utf8)
        options.authorizationPolicy = directory.appendingPathComponent("policy.yaml")
        try AuthAPI.defaultPolicy().write(to: options.authorizationPolicy!, atomically: true, encoding: .utf8)
        options.auditLog = directory.appendingPathComponent("audit.log")
        if curve {
            let keys = try CurveKeyPair.generate()
            let path = directory.appendingPathComponent("apiserver.key").path
            try keys.writeSecretKey(to: path)
            options.curveSecretKeyFile = URL(fileURLWithPath: path)
            self.keys = keys
        } else {
            keys = nil
        }
        self.options = options
        (server, task) = try Self.start(options)
        try await waitUntilServing()
    }

    private static func start(_ options: APIServerOptions) throws -> (APIServer, Task<Void, any Error>) {
        var logger = Logger(label: "test.apiserver")
        logger.logLevel = .critical
        let server = try APIServer(options: options, logger: logger)
        return (server, Task { try await server.run() })
    }

    /// Stops the apiserver as SIGTERM does and starts a new one on the same data, sockets and keys.
    func restart() async throws {
        task?.cancel()
        _ = try? await task?.value
        (server, task) = try Self.start(options)
        try await waitUntilServing()
    }

    private func waitUntilServing() async throws {
        let admin = try connection()
        defer { admin.close() }
        let deadline = ContinuousClock.now + .seconds(20)
        while (try? await admin.call(Request(verb: .discover, resource: "", token: "admin-token"), timeout: .seconds(2)))?.code != 200 {
            guard ContinuousClock.now < deadline else { throw MessagingError(.timeout, "the apiserver did not answer") }
        }
    }

    /// A client connection; with CURVE on, it uses the server's public key unless given another one.
    func connection(serverKey: String? = nil, plaintext: Bool = false, timeout: Duration = .seconds(10)) throws -> Connection {
        try Connection(endpoint: options.listen, options: ConnectionOptions(
            timeout: timeout, curveServerKey: plaintext ? nil : serverKey ?? keys?.publicKey))
    }

    func informer<T: APIObject>(_ type: T.Type, token: String?, connection: Connection, namespace: String? = nil) throws -> Informer<T> {
        var logger = Logger(label: "test.informer")
        logger.logLevel = .critical
        let options = InformerOptions(token: token, bookmarkInterval: Self.bookmarkInterval, silenceIntervals: 10)
        return try Informer<T>(connection: connection, namespace: namespace, options: options, logger: logger)
    }

    /// The audit log's lines so far, as JSON objects (the log is flushed at least every second).
    func auditLines() throws -> [[String: Any]] {
        let text = (try? String(contentsOf: options.auditLog!, encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    func close() async {
        task?.cancel()
        _ = try? await task?.value
        task = nil
        try? FileManager.default.removeItem(at: directory)
    }
}
