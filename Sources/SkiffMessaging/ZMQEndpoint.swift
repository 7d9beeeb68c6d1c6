import Foundation

/// Checks on endpoint strings that ZeroMQ does not make itself.
enum ZMQEndpoint {
    /// libzmq's ipc bind removes an existing socket file first, so a second server would silently take the
    /// address from a running one. Refuse when something still accepts connections on that path; a stale file
    /// (connection refused) is fine and ZeroMQ replaces it.
    static func checkIPCNotInUse(_ endpoint: String) throws(MessagingError) {
        guard endpoint.hasPrefix("ipc://") else { return }
        let path = String(endpoint.dropFirst("ipc://".count))
        guard !path.isEmpty, path != "*", FileManager.default.fileExists(atPath: path) else { return }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else { return }  // ZeroMQ reports the too-long path itself
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: path.utf8)
            buffer[path.utf8.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if connected == 0 {
            throw MessagingError(.zmq, "bind \(endpoint): Address already in use (another process is listening)")
        }
    }
}
