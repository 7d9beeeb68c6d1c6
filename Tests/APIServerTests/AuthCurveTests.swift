import APIServer
import Foundation
import SkiffAPI
import SkiffMessaging
import Testing

/// CURVE on the request and watch sockets: libzmq's own encryption, the server's key pair from a 0600 file,
/// clients with the server's public key and an ephemeral pair of their own.
@Suite(.serialized) struct AuthCurveTests {
    @Test func requestsAndWatchesWorkOverCurve() async throws {
        let server = try await AuthServer(curve: true)
        defer { Task { await server.close() } }
        let client = try server.connection()
        defer { client.close() }
        let informer = try server.informer(Service.self, token: "dns-token", connection: client)
        let run = Task { try await informer.run() }
        defer { run.cancel() }
        #expect(await informer.waitForSync())
        let body = try JSONEncoder().encode(service("web"))
        #expect(try await client.call(Request(verb: .create, resource: "services", namespace: "default", token: "admin-token", body: body)).code == 201)
        #expect(try await client.call(Request(verb: .get, resource: "services", namespace: "default", name: "web", token: "dns-token")).code == 200)
        let deadline = ContinuousClock.now + .seconds(10)
        while informer.get(namespace: "default", name: "web") == nil {
            #expect(ContinuousClock.now < deadline, "the informer did not see the Service over CURVE")
            if ContinuousClock.now >= deadline { break }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test(arguments: [false, true])
    func aClientWithoutTheRightServerKeyIsRefusedWithAClearError(plaintext: Bool) async throws {
        let server = try await AuthServer(curve: true)
        defer { Task { await server.close() } }
        let wrong = try CurveKeyPair.generate().publicKey
        let client = try server.connection(serverKey: wrong, plaintext: plaintext, timeout: .seconds(20))
        defer { client.close() }
        let started = ContinuousClock.now
        do {
            _ = try await client.call(Request(verb: .discover, resource: "", token: "admin-token"))
            Issue.record("a client with \(plaintext ? "no" : "a wrong") server key was served")
        } catch {
            #expect(error.code == .unreachable)
            let expected = plaintext ? "handshake with \(server.options.listen) failed" : "CURVE handshake with \(server.options.listen) failed (wrong server key?)"
            #expect(error.message.contains(expected), "\(error.message)")
        }
        // Reported after a few failed handshakes, long before the call's deadline.
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func theSecretKeyFileMustBePrivateAndWellFormed() throws {
        let directory = URL(fileURLWithPath: "/tmp/skiff-curve-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("apiserver.key").path
        let keys = try CurveKeyPair.generate()
        try keys.writeSecretKey(to: path)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
        #expect(try CurveKeyPair.load(secretKeyFile: path) == keys)
        #expect(throws: MessagingError.self) { try keys.writeSecretKey(to: path) }  // never overwritten

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect { try CurveKeyPair.load(secretKeyFile: path) } throws: { ($0 as? MessagingError)?.message.contains("must be 0600") == true }

        let garbage = directory.appendingPathComponent("garbage.key").path
        _ = FileManager.default.createFile(atPath: garbage, contents: Data("not a key\n".utf8), attributes: [.posixPermissions: 0o600])
        #expect { try CurveKeyPair.load(secretKeyFile: garbage) } throws: { ($0 as? MessagingError)?.message.contains("40-character Z85") == true }
    }

    @Test func tcpNeedsAKeyOrPlaintextOnPurpose() throws {
        var options = APIServerOptions(dataDirectory: URL(fileURLWithPath: "/tmp/unused"))
        #expect { try options.checkWireSecurity() } throws: { "\($0)".contains("refusing to serve tcp://127.0.0.1:6443 and tcp://127.0.0.1:6444 unencrypted") }
        options.plaintext = true
        try options.checkWireSecurity()
        options.curveSecretKeyFile = URL(fileURLWithPath: "/tmp/key")
        #expect(throws: ValidationFailure.self) { try options.checkWireSecurity() }
        options.plaintext = false
        try options.checkWireSecurity()
        options.curveSecretKeyFile = nil
        options.listen = "ipc:///tmp/api.sock"
        options.watchListen = "ipc:///tmp/watch.sock"
        try options.checkWireSecurity()
    }
}
