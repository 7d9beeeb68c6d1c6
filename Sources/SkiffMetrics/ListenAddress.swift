/// `HOST:PORT` as given on the command line: `127.0.0.1:1053`, `[::1]:53`. Port 0 lets the kernel choose (the
/// server reports the port it got). Shared by every flag that names a socket to bind or to reach.
public struct ListenAddress: Equatable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public init(parsing text: String) throws(MetricsError) {
        guard let colon = text.lastIndex(of: ":") else {
            throw MetricsError(.badAddress, "\(String(reflecting: text)) is not HOST:PORT")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw MetricsError(.badAddress, "\(String(reflecting: text)) is not HOST:PORT with a port 0-65535")
        }
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
