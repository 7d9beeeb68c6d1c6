#if canImport(Glibc)
import Glibc
#endif

/// A raw DNS-over-UDP client on 127.0.0.1 for the DNS benchmark (skiff-bench does not link SkiffDNS): builds a
/// one-question query by hand and reads the rcode and answer count of the reply.
final class DNSProbe {
    private let fd: Int32
    private var id: UInt16 = 0

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket") }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); throw BenchError("connect") }
    }

    deinit { close(fd) }

    struct Reply: Equatable {
        var rcode: Int
        var answers: Int
    }

    /// Asks `name` (type code `type`, 1 = A, 33 = SRV, 6 = SOA); nil on timeout.
    func ask(_ name: String, type: UInt16 = 1) -> Reply? {
        exchange(name, type: type).map { Reply(rcode: Int($0[3] & 0x0F), answers: Int($0[6]) << 8 | Int($0[7])) }
    }

    /// The whole reply to one query (at least a header); nil on timeout.
    func exchange(_ name: String, type: UInt16) -> [UInt8]? {
        id &+= 1
        var packet: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
        for label in name.split(separator: ".") {
            packet.append(UInt8(label.utf8.count))
            packet.append(contentsOf: label.utf8)
        }
        packet += [0, UInt8(type >> 8), UInt8(type & 0xFF), 0, 1]
        guard send(fd, packet, packet.count, 0) == packet.count else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count >= 12 else { return nil }
            // A late reply to an earlier (timed out) query: skip it.
            guard UInt16(buffer[0]) << 8 | UInt16(buffer[1]) == id else { continue }
            return Array(buffer.prefix(count))
        }
    }

    /// Polls `name` until `accept` holds for the reply, or `timeout` passes; true if it did.
    func wait(for name: String, type: UInt16 = 1, timeout: Duration, until accept: (Reply) -> Bool) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let reply = ask(name, type: type), accept(reply) { return true }
        }
        return false
    }
}
