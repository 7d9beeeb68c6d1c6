#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A blocking UDP/TCP client on 127.0.0.1 with a receive timeout: plain sockets, so the server under test is the
/// only NIO code involved.
final class SocketClient {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let fd: Int32

    init(udpTo port: Int, timeoutSeconds: Int = 5) throws {
        fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        try Self.setUp(fd, port: port, timeoutSeconds: timeoutSeconds)
    }

    init(tcpTo port: Int, timeoutSeconds: Int = 5) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try Self.setUp(fd, port: port, timeoutSeconds: timeoutSeconds)
    }

    deinit { close(fd) }

    /// Sets the timeout and connects (for UDP: fixes the peer, so send/recv need no address).
    private static func setUp(_ fd: Int32, port: Int, timeoutSeconds: Int) throws {
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw Failure(description: "connect to port \(port): errno \(errno)") }
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
            guard sent > 0 else { throw Failure(description: "send: errno \(errno)") }
            offset += sent
        }
    }

    /// One datagram.
    func receiveDatagram() throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count >= 0 else { throw Failure(description: "recv: errno \(errno) (timeout?)") }
        return Array(buffer[..<count])
    }

    /// Exactly `count` bytes from a stream.
    func receive(exactly count: Int) throws -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: count)
        while result.count < count {
            let got = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, count - result.count, 0) }
            guard got > 0 else { throw Failure(description: "recv: \(got == 0 ? "connection closed" : "errno \(errno)")") }
            result.append(contentsOf: buffer[..<got])
        }
        return result
    }

    /// TCP framing: a two-byte length, then the message.
    func sendFramed(_ message: [UInt8]) throws {
        try send([UInt8(message.count >> 8), UInt8(message.count & 0xFF)] + message)
    }

    func receiveFramed() throws -> [UInt8] {
        let prefix = try receive(exactly: 2)
        return try receive(exactly: Int(prefix[0]) << 8 | Int(prefix[1]))
    }

    /// True when the peer has closed the connection (recv returns 0) within the timeout.
    func peerClosed() -> Bool {
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, 0) == 0
    }
}
