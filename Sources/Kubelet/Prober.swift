import Foundation
import NIOCore
import NIOPosix
import SkiffAPI

/// Runs one readiness/liveness probe check against a Pod, as the kubelet's prober does: tcpSocket succeeds when
/// a connection opens, httpGet when the answer's status is 200-399, exec when the command exits 0. Each check is
/// bounded by the probe's timeoutSeconds (default 1 s).
public struct Prober: Sendable {
    public enum Result: Sendable, Equatable {
        case success
        case failure(String)
    }

    let group: any EventLoopGroup
    /// Runs exec probes inside the Pod's network (empty: the node's).
    let execPrefix: [String]

    public init(group: any EventLoopGroup, execPrefix: [String] = []) {
        self.group = group
        self.execPrefix = execPrefix
    }

    public func check(_ probe: Probe, podIP: String, containerPorts: [ContainerPort], environment: [String: String]) async -> Result {
        let timeout = TimeAmount.seconds(Int64(max(probe.timeoutSeconds ?? 1, 1)))
        if let tcp = probe.tcpSocket {
            guard let port = Self.resolve(tcp.port, in: containerPorts) else { return .failure("port \(tcp.port) is not a container port") }
            return await connect(host: tcp.host ?? podIP, port: port, timeout: timeout, request: nil)
        }
        if let http = probe.httpGet {
            guard let port = Self.resolve(http.port, in: containerPorts) else { return .failure("port \(http.port) is not a container port") }
            let host = http.host ?? podIP
            let path = http.path.flatMap { $0.isEmpty ? nil : $0 } ?? "/"
            var request = "GET \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nUser-Agent: skiff-probe/1.0\r\nConnection: close\r\n"
            for header in http.httpHeaders ?? [] { request += "\(header.name): \(header.value)\r\n" }
            return await connect(host: host, port: port, timeout: timeout, request: request + "\r\n")
        }
        if let exec = probe.exec, let command = exec.command, !command.isEmpty {
            return await Self.run(execPrefix + command, environment: environment, timeout: Double(max(probe.timeoutSeconds ?? 1, 1)))
        }
        return .failure("the probe names no action (tcpSocket, httpGet or exec)")
    }

    /// A numeric port, or a named container port.
    static func resolve(_ port: IntOrString, in containerPorts: [ContainerPort]) -> Int? {
        switch port {
        case .int(let number): return number
        case .string(let name): return containerPorts.first { $0.name == name }?.containerPort
        }
    }

    private func connect(host: String, port: Int, timeout: TimeAmount, request: String?) async -> Result {
        do {
            let status = try await withThrowingTaskGroup(of: Result.self) { group in
                group.addTask { try await self.exchange(host: host, port: port, timeout: timeout, request: request) }
                group.addTask {
                    try await Task.sleep(for: .nanoseconds(timeout.nanoseconds))
                    return .failure("timed out after \(timeout.nanoseconds / 1_000_000_000)s")
                }
                let first = try await group.next()!
                group.cancelAll()
                return first
            }
            return status
        } catch {
            return .failure("\(error)")
        }
    }

    private func exchange(host: String, port: Int, timeout: TimeAmount, request: String?) async throws -> Result {
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        guard let request else {
            try? await channel.channel.close()
            return .success
        }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: request))
            var received = ""
            for try await chunk in inbound {
                received += String(buffer: chunk)
                if let line = received.split(separator: "\r\n", maxSplits: 1).first, received.contains("\r\n") {
                    let fields = line.split(separator: " ")
                    guard fields.count >= 2, let code = Int(fields[1]) else { return .failure("not an HTTP answer: \(line)") }
                    return (200..<400).contains(code) ? .success : .failure("HTTP \(code)")
                }
            }
            return .failure("connection closed before an HTTP status line")
        }
    }

    /// Runs an exec probe's command (no shell, as Kubernetes) in the Pod's environment; killed after `timeout`.
    static func run(_ command: [String], environment: [String: String], timeout: Double) async -> Result {
        let (exits, exited) = AsyncStream.makeStream(of: Int32.self, bufferingPolicy: .bufferingNewest(1))
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(command, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
                                           output: nil) { exited.yield($0) }
        } catch {
            return .failure("\(error)")
        }
        let killer = Task {
            try await Task.sleep(for: .milliseconds(Int(timeout * 1000)))
            child.signal(SIGKILL)
        }
        defer { killer.cancel() }
        for await code in exits {
            return code == 0 ? .success : .failure("exit status \(code)")
        }
        return .failure("no exit status")
    }
}
