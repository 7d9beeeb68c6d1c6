import Foundation
import Glibc
import NIOCore
import NIOPosix
@testable import NodeProxy

/// Backends and blocking loopback clients for the userspace proxier tests. Every socket here is on 127.0.0.0/8
/// and every blocking call has a 5 s timeout, so a broken proxy fails a test instead of hanging it.
enum UserspaceRig {
    static let group = MultiThreadedEventLoopGroup.singleton

    /// A random ClusterIP in 127.96.200.0-127.96.254.255 and a high port, unlikely to clash with a running cluster.
    static func randomClusterAddress() -> (ip: String, port: Int) {
        ("127.96.\(Int.random(in: 200...254)).\(Int.random(in: 1...254))", Int.random(in: 20_000...39_999))
    }

    static func snapshot(_ name: ServicePortName, ip: String, port: Int, endpoints: [Backend],
                         affinity: SessionAffinity = .none) -> ProxySnapshot {
        ProxySnapshot(
            nodeName: "node-1",
            services: [name: ServicePortInfo(clusterIPs: [ip], port: port, protocol: name.protocol, sessionAffinity: affinity)],
            endpoints: [name: endpoints.map { EndpointInfo(ip: $0.ip, port: $0.port) }])
    }

    /// A port on 127.0.0.1 where nothing listens (bound, then closed).
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { Glibc.close(fd) }
        var address = try inetAddress("127.0.0.1", 0)
        guard withUnsafePointer(to: &address, { bind(fd, UnsafeRawPointer($0).assumingMemoryBound(to: sockaddr.self), socklen_t(MemoryLayout<sockaddr_in>.size)) }) == 0
        else { throw RigError.system("bind", errno) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { getsockname(fd, UnsafeMutableRawPointer($0).assumingMemoryBound(to: sockaddr.self), &length) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func inetAddress(_ ip: String, _ port: Int) throws -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        guard inet_pton(AF_INET, ip, &address.sin_addr) == 1 else { throw RigError.badAddress(ip) }
        return address
    }
}

enum RigError: Error, Equatable {
    case system(String, Int32)
    case badAddress(String)
}

/// A TCP server that greets each connection with its name and a newline, then echoes what it reads; or, for UDP,
/// answers each datagram with `name:` and the datagram.
struct Backend {
    let name: String
    let channel: any Channel
    var ip: String { channel.localAddress?.ipAddress ?? "" }
    var port: Int { channel.localAddress?.port ?? 0 }

    static func tcp(_ name: String, host: String = "127.0.0.1") async throws -> Backend {
        let channel = try await ServerBootstrap(group: UserspaceRig.group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture { try child.pipeline.syncOperations.addHandler(Greeter(name: name)) }
            }
            .bind(host: host, port: 0).get()
        return Backend(name: name, channel: channel)
    }

    static func udp(_ name: String, host: String = "127.0.0.1") async throws -> Backend {
        let channel = try await DatagramBootstrap(group: UserspaceRig.group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(UDPNamer(name: name)) }
            }
            .bind(host: host, port: 0).get()
        return Backend(name: name, channel: channel)
    }

    func stop() async { try? await channel.close() }
}

private final class Greeter: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let name: String
    init(name: String) { self.name = name }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: name + "\n")), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.writeAndFlush(data, promise: nil)
    }
}

private final class UDPNamer: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>
    let name: String
    init(name: String) { self.name = name }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        var reply = ByteBuffer(string: name + ":")
        reply.writeImmutableBuffer(envelope.data)
        context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: reply)), promise: nil)
    }
}

/// Runs blocking socket calls on NIO's thread pool, not on the cooperative pool the tests share.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await NIOThreadPool.singleton.runIfActive(body)
}

/// A blocking loopback socket with 5 s send and receive timeouts; used by one test at a time, so unchecked.
final class LoopbackSocket: @unchecked Sendable {
    let fd: Int32

    private init(type: Int32, source: String?) throws {
        fd = socket(AF_INET, type, 0)
        guard fd >= 0 else { throw RigError.system("socket", errno) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if let source {
            var address = try UserspaceRig.inetAddress(source, 0)
            let result = withUnsafePointer(to: &address) {
                bind(fd, UnsafeRawPointer($0).assumingMemoryBound(to: sockaddr.self), socklen_t(MemoryLayout<sockaddr_in>.size))
            }
            guard result == 0 else { throw RigError.system("bind", errno) }
        }
    }

    deinit { Glibc.close(fd) }

    /// Connects over TCP; throws `.system("connect", ECONNREFUSED)` when nothing listens.
    static func tcp(_ ip: String, _ port: Int, from source: String? = nil) throws -> LoopbackSocket {
        let socket = try LoopbackSocket(type: Int32(SOCK_STREAM.rawValue), source: source)
        var address = try UserspaceRig.inetAddress(ip, port)
        let result = withUnsafePointer(to: &address) {
            connect(socket.fd, UnsafeRawPointer($0).assumingMemoryBound(to: sockaddr.self), socklen_t(MemoryLayout<sockaddr_in>.size))
        }
        guard result == 0 else { throw RigError.system("connect", errno) }
        return socket
    }

    static func udp() throws -> LoopbackSocket {
        try LoopbackSocket(type: Int32(SOCK_DGRAM.rawValue), source: "127.0.0.1")
    }

    func send(_ text: String) throws {
        let sent = Array(text.utf8).withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == text.utf8.count else { throw RigError.system("send", errno) }
    }

    func sendAll(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, min(65_536, bytes.count - offset), Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw RigError.system("send", errno) }
            offset += sent
        }
    }

    /// Reads until `count` bytes or EOF.
    func read(count: Int) throws -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while result.count < count {
            let got = recv(fd, &buffer, min(buffer.count, count - result.count), 0)
            if got == 0 { break }
            guard got > 0 else { throw RigError.system("recv", errno) }
            result.append(contentsOf: buffer[..<got])
        }
        return result
    }

    func shutdownWrite() { _ = Glibc.shutdown(fd, Int32(SHUT_WR)) }

    /// One line without its newline; nil when the peer closed or reset the connection first.
    func readLine() throws -> String? {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = recv(fd, &byte, 1, 0)
            if count == 0 || (count < 0 && errno == ECONNRESET) { return nil }
            guard count == 1 else { throw RigError.system("recv", errno) }
            if byte == UInt8(ascii: "\n") { return String(decoding: line, as: UTF8.self) }
            line.append(byte)
        }
    }

    /// Sends a datagram and returns the reply with the address it came from.
    func exchange(_ text: String, with ip: String, _ port: Int) throws -> (reply: String, from: String) {
        var address = try UserspaceRig.inetAddress(ip, port)
        let sent = withUnsafePointer(to: &address) { pointer in
            Array(text.utf8).withUnsafeBytes {
                sendto(fd, $0.baseAddress, $0.count, 0, UnsafeRawPointer(pointer).assumingMemoryBound(to: sockaddr.self), socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard sent == text.utf8.count else { throw RigError.system("sendto", errno) }
        var buffer = [UInt8](repeating: 0, count: 2048)
        var from = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let count = withUnsafeMutablePointer(to: &from) { pointer in
            recvfrom(fd, &buffer, buffer.count, 0, UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: sockaddr.self), &length)
        }
        guard count >= 0 else { throw RigError.system("recvfrom", errno) }
        var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        inet_ntop(AF_INET, &from.sin_addr, &text, socklen_t(INET_ADDRSTRLEN))
        let fromIP = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return (String(decoding: buffer[..<count], as: UTF8.self), "\(fromIP):\(UInt16(bigEndian: from.sin_port))")
    }
}

extension LoopbackSocket {
    /// The name of the backend a new connection to `ip:port` reaches; nil when the proxy closed it.
    static func backendName(_ ip: String, _ port: Int, from source: String? = nil) async throws -> String? {
        try await blocking { try tcp(ip, port, from: source).readLine() }
    }
}
