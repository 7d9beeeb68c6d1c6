import Foundation
import Kubelet
import NIOPosix
import SkiffAPI
import Testing

/// The built-in server on loopback, checked by the prober and by a raw client.
struct NetexecProberTests {
    /// A loopback address of its own per test run, so parallel runs do not collide.
    static func address() -> String { "127.244.\(Int.random(in: 200...250)).\(Int.random(in: 2...250))" }

    @Test func serverAnswersItsIdentityAndProbesSucceed() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let ip = Self.address()
        let server = try await NetexecServer.start(podName: "web-1", podIP: ip, ports: [(port: 8080, udp: false), (port: 8081, udp: true)], group: group)
        let prober = Prober(group: group)
        let ports = [ContainerPort(name: "http", containerPort: 8080)]
        var http = Probe()
        http.httpGet = HTTPGetAction(path: "/healthz", port: .string("http"))
        #expect(await prober.check(http, podIP: ip, containerPorts: ports, environment: [:]) == .success)
        var tcp = Probe()
        tcp.tcpSocket = TCPSocketAction(port: .int(8080))
        #expect(await prober.check(tcp, podIP: ip, containerPorts: ports, environment: [:]) == .success)

        let body = try await Self.get(host: ip, port: 8080, path: "/")
        #expect(body == "web-1 \(ip)\n")
        #expect(try await Self.get(host: ip, port: 8080, path: "/hostname") == "web-1")

        await server.stop()
        #expect(await prober.check(tcp, podIP: ip, containerPorts: ports, environment: [:]) != .success)
        try await group.shutdownGracefully()
    }

    @Test func execProbeUsesTheExitStatus() async {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let prober = Prober(group: group)
        var ok = Probe()
        ok.exec = ExecAction(command: ["sh", "-c", "test \"$POD_NAME\" = web-1"])
        #expect(await prober.check(ok, podIP: "127.0.0.1", containerPorts: [], environment: ["POD_NAME": "web-1"]) == .success)
        #expect(await prober.check(ok, podIP: "127.0.0.1", containerPorts: [], environment: ["POD_NAME": "web-2"]) != .success)
        try? await group.shutdownGracefully()
    }

    /// The body of GET `path` (curl, which the project's tests already need).
    static func get(host: String, port: Int, path: String) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-s", "--max-time", "5", "http://\(host):\(port)\(path)"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
