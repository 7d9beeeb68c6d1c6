import Foundation
import Glibc
import NIOCore
import NIOPosix
import NodeProxy

/// Requests per second through the userspace proxier vs straight to the backend, measured in the same run.
///
/// One NIO echo backend on 127.0.0.1; `clients` threads each keep one connection (or, with `newConnections`, open
/// one per request) and do `payload`-byte request/response round trips for `duration`, first directly, then through
/// a ClusterIP in 127.96.250.0/24 served by a `UserspaceProxier`. Loopback only.
struct ProxyUserspaceBench {
    var clients = 8
    var duration: Duration = .seconds(3)
    var payload = 64
    var newConnections = false

    struct Result {
        var direct: Double
        var proxied: Double
        var ratio: Double { direct > 0 ? proxied / direct : 0 }
    }

    func run() async throws -> Result {
        let group = MultiThreadedEventLoopGroup.singleton
        let backend = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture { try child.pipeline.syncOperations.addHandler(BenchEcho()) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let proxier = UserspaceProxier(group: group)
        do {
            let backendPort = backend.localAddress?.port ?? 0
            let clusterIP = "127.96.250.\(Int.random(in: 1...254))", port = Int.random(in: 40_000...49_999)
            let name = ServicePortName(namespace: "bench", name: "echo")
            _ = try await proxier.sync(ProxyUpdate(
                snapshot: ProxySnapshot(nodeName: "bench",
                                        services: [name: ServicePortInfo(clusterIPs: [clusterIP], port: port)],
                                        endpoints: [name: [EndpointInfo(ip: "127.0.0.1", port: backendPort)]]),
                changed: [name], full: true))
            let direct = try await rate(ip: "127.0.0.1", port: backendPort)
            let proxied = try await rate(ip: clusterIP, port: port)
            await proxier.shutdown()
            try? await backend.close()
            return Result(direct: direct, proxied: proxied)
        } catch {
            await proxier.shutdown()
            try? await backend.close()
            throw error
        }
    }

    /// Round trips per second of `clients` threads against `ip:port`.
    private func rate(ip: String, port: Int) async throws -> Double {
        let counts = Counts(clients)
        let deadline = ContinuousClock.now + duration
        let start = ContinuousClock.now
        let (clients, payload, fresh) = (clients, payload, newConnections)
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let finished = DispatchGroup()
            for index in 0..<clients {
                finished.enter()
                Thread.detachNewThread {
                    counts.set(index, BenchClient.loop(ip: ip, port: port, payload: payload, fresh: fresh, until: deadline))
                    finished.leave()
                }
            }
            finished.notify(queue: .global()) { done.resume() }
        }
        let (seconds, attos) = (ContinuousClock.now - start).components
        let elapsed = Double(seconds) + Double(attos) / 1e18
        if let error = counts.error { throw error }
        return Double(counts.total) / elapsed
    }
}

/// Per-thread results, written once by each client thread.
private final class Counts: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int]
    private(set) var error: BenchClient.Failure?
    init(_ count: Int) { values = Array(repeating: 0, count: count) }
    func set(_ index: Int, _ result: Swift.Result<Int, BenchClient.Failure>) {
        lock.withLock {
            switch result {
            case .success(let count): values[index] = count
            case .failure(let failure): error = failure
            }
        }
    }
    var total: Int { lock.withLock { values.reduce(0, +) } }
}

/// A blocking loopback client doing request/response round trips.
private enum BenchClient {
    struct Failure: Error, CustomStringConvertible {
        var call: String
        var code: Int32
        var description: String { "\(call): \(String(cString: strerror(code)))" }
    }

    static func loop(ip: String, port: Int, payload: Int, fresh: Bool, until deadline: ContinuousClock.Instant) -> Swift.Result<Int, Failure> {
        let request = [UInt8](repeating: UInt8(ascii: "x"), count: payload)
        var reply = [UInt8](repeating: 0, count: payload)
        var fd: Int32 = -1
        var count = 0
        defer { if fd >= 0 { close(fd) } }
        while ContinuousClock.now < deadline {
            if fd < 0 {
                switch open(ip: ip, port: port) {
                case .success(let opened): fd = opened
                case .failure(let failure): return .failure(failure)
                }
            }
            guard request.withUnsafeBytes({ send(fd, $0.baseAddress, payload, Int32(MSG_NOSIGNAL)) }) == payload else {
                return .failure(Failure(call: "send", code: errno))
            }
            var received = 0
            while received < payload {
                let got = reply.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + received, payload - received, 0) }
                guard got > 0 else { return .failure(Failure(call: "recv", code: got == 0 ? ECONNRESET : errno)) }
                received += got
            }
            count += 1
            if fresh {
                close(fd)
                fd = -1
            }
        }
        return .success(count)
    }

    private static func open(ip: String, port: Int) -> Swift.Result<Int32, Failure> {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        inet_pton(AF_INET, ip, &address.sin_addr)
        let result = withUnsafePointer(to: &address) {
            connect(fd, UnsafeRawPointer($0).assumingMemoryBound(to: sockaddr.self), socklen_t(MemoryLayout<sockaddr_in>.size))
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            return .failure(Failure(call: "connect", code: code))
        }
        return .success(fd)
    }
}

private final class BenchEcho: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    func channelRead(context: ChannelHandlerContext, data: NIOAny) { context.write(data, promise: nil) }
    func channelReadComplete(context: ChannelHandlerContext) { context.flush() }
}
