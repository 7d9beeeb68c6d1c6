import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// TCP sockets inside a network namespace, for traffic tests without helper processes.
///
/// A socket belongs to the namespace of the thread that created it, so each socket is created on a thread that
/// first enters the namespace (`setns`, looked up with dlsym: Glibc's module does not export it); any thread
/// may use it afterwards. Nothing is ever created in the host's namespace: if `setns` fails, no socket is made.
struct NetnsSockets: Sendable {
    let netns: String

    /// What a connection attempt came to.
    enum Outcome: Equatable, Sendable {
        /// Accepted by the listener at this index; `peer` is the source address the backend saw.
        case accepted(index: Int, peer: String)
        case refused
        /// No answer within the timeout (nothing DNATs the address).
        case timedOut
        case failed(errno: Int32)
    }

    /// Listening sockets on `addresses` (`ip`, `port`), in order.
    func listen(_ addresses: [(String, Int)]) throws -> [Int32] {
        try addresses.map { ip, port in
            guard let fd = onNetnsThread({ () -> Int32? in
                let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                var one: Int32 = 1
                setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
                var address = Self.address(ip, port)
                let bound = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                guard bound == 0, Glibc.listen(fd, 64) == 0 else { close(fd); return nil }
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                return fd
            }) else { throw POSIXError(.EADDRNOTAVAIL) }
            return fd
        }
    }

    /// Connects from `source` to `ip:port` and reports which of `listeners` accepted the connection.
    func connect(from source: String, to ip: String, port: Int, listeners: [Int32], timeoutMs: Int32 = 2000) -> Outcome {
        guard let fd = onNetnsThread({ () -> Int32? in
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.address(source, 0)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else { close(fd); return nil }
            return fd
        }) else { return .failed(errno: EADDRNOTAVAIL) }
        defer { close(fd) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var target = Self.address(ip, port)
        let started = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if started != 0, errno != EINPROGRESS { return errno == ECONNREFUSED ? .refused : .failed(errno: errno) }
        var pending = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        guard poll(&pending, 1, timeoutMs) == 1 else { return .timedOut }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        if error == ECONNREFUSED { return .refused }
        guard error == 0 else { return .failed(errno: error) }
        // The handshake is done, so the connection waits in exactly one listener's accept queue.
        var fds = listeners.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        guard poll(&fds, nfds_t(fds.count), timeoutMs) > 0, let index = fds.firstIndex(where: { $0.revents & Int16(POLLIN) != 0 }) else {
            return .timedOut
        }
        var peer = sockaddr_in()
        var peerLength = socklen_t(MemoryLayout<sockaddr_in>.size)
        let accepted = withUnsafeMutablePointer(to: &peer) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(listeners[index], $0, &peerLength) }
        }
        guard accepted >= 0 else { return .failed(errno: errno) }
        close(accepted)
        return .accepted(index: index, peer: String(cString: inet_ntoa(peer.sin_addr)))
    }

    private static func address(_ ip: String, _ port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, ip, &address.sin_addr)
        return address
    }

    /// Runs `body` on a new thread that has entered the namespace; nil when it could not enter it.
    private func onNetnsThread(_ body: @escaping @Sendable () -> Int32?) -> Int32? {
        let result = Mutex<Int32?>(nil)
        let done = DispatchSemaphore(value: 0)
        let path = "/var/run/netns/\(netns)"
        let thread = Thread {
            defer { done.signal() }
            let fd = open(path, O_RDONLY)
            guard fd >= 0 else { return }
            defer { close(fd) }
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "setns") else { return }
            let setns = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
            guard setns(fd, 0x4000_0000 /* CLONE_NEWNET */) == 0 else { return }
            let value = body()
            result.withLock { $0 = value }
        }
        thread.start()
        done.wait()
        return result.withLock { $0 }
    }
}
