import Foundation

/// Where an `APIClient` sends requests and how it authenticates.
public struct APIClientConfig: Sendable, Equatable {
    /// The apiserver's request socket in a one-host cluster (docs/PROTOCOL.md).
    public static let defaultServer = "tcp://127.0.0.1:6443"
    /// Long enough for a durable write under load, short enough that a missing server is reported.
    public static let defaultTimeout: Duration = .seconds(10)

    public var server: String
    public var token: String?
    /// The apiserver's CURVE public key (Z85): requests and watches are encrypted and go only to the holder of its
    /// secret key. nil: plaintext.
    public var serverKey: String?
    /// The namespace the config file names (`namespace: shop`), for clients that default to one.
    public var namespace: String?
    public var timeout: Duration

    public init(server: String = defaultServer, token: String? = nil, namespace: String? = nil, timeout: Duration = defaultTimeout,
                serverKey: String? = nil) {
        self.server = server
        self.token = token
        self.serverKey = serverKey
        self.namespace = namespace
        self.timeout = timeout
    }

    /// The configuration from flags, the environment and the config file, most specific first:
    /// server: `server` (--server) > SKIFF_SERVER > the config file > `tcp://127.0.0.1:6443`;
    /// token: `token` (--token) > SKIFF_TOKEN > the config file; the server's CURVE key likewise: `serverKey`
    /// (--server-key) > SKIFF_SERVER_KEY > the config file's `server-key`.
    /// The config file is `configPath` (--config; it must exist), else SKIFF_CONFIG, else `~/.skiff/config`
    /// (those two may be missing, as kubectl treats KUBECONFIG). Its lines are `key: value` (`server`, `token`,
    /// `server-key`, `namespace`); `#` starts a comment line.
    public static func resolve(
        server: String?, token: String?, configPath: String?, timeout: Duration? = nil, serverKey: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(APIError) -> APIClientConfig {
        let file = try ConfigFile.load(explicitPath: configPath, environment: environment)
        func pick(_ values: String?...) -> String? { values.first { !($0 ?? "").isEmpty } ?? nil }
        let key = pick(serverKey, environment["SKIFF_SERVER_KEY"], file.serverKey)
        if let key, !CurveKeyPair.isValidKey(key) {
            throw APIError(code: 0, message: "the server key must be the apiserver's 40-character Z85 CURVE public key (apiserver keygen prints it)")
        }
        return APIClientConfig(
            server: pick(server, environment["SKIFF_SERVER"], file.server) ?? defaultServer,
            token: pick(token, environment["SKIFF_TOKEN"], file.token),
            namespace: pick(file.namespace),
            timeout: timeout ?? defaultTimeout,
            serverKey: key)
    }

    /// A connection's options for this config: its timeout and the server's CURVE key.
    public var connectionOptions: ConnectionOptions {
        ConnectionOptions(timeout: timeout, curveServerKey: serverKey)
    }
}

/// The few settings a skiff config file may hold (written by `make up`, edited by people).
struct ConfigFile: Equatable {
    static let keys = ["server", "token", "server-key", "namespace"]

    var server: String?
    var token: String?
    var serverKey: String?
    var namespace: String?

    static func load(explicitPath: String?, environment: [String: String]) throws(APIError) -> ConfigFile {
        let path: String
        if let explicitPath, !explicitPath.isEmpty {
            path = explicitPath
            guard FileManager.default.fileExists(atPath: path) else {
                throw APIError(code: 0, message: "config file \(String(reflecting: path)) (from --config) does not exist")
            }
        } else if let fromEnvironment = environment["SKIFF_CONFIG"], !fromEnvironment.isEmpty {
            path = fromEnvironment
        } else if let home = environment["HOME"], !home.isEmpty {
            path = home + "/.skiff/config"
        } else {
            return ConfigFile()
        }
        guard FileManager.default.fileExists(atPath: path) else { return ConfigFile() }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw APIError(code: 0, message: "cannot read config file \(String(reflecting: path)): \(error.localizedDescription)")
        }
        return try parse(text, path: path)
    }

    /// Parses `key: value` lines; values may be quoted. Unknown keys are errors, so a typo is not silently ignored.
    static func parse(_ text: String, path: String) throws(APIError) -> ConfigFile {
        var file = ConfigFile()
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line == "---" { continue }
            guard let colon = line.firstIndex(of: ":") else {
                throw APIError(code: 0, message: "\(path): line \(index + 1): expected `key: value`, got \(String(reflecting: line))")
            }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if let comment = value.range(of: " #") { value = value[..<comment.lowerBound].trimmingCharacters(in: .whitespaces) }
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            switch key {
            case "server": file.server = value
            case "token": file.token = value
            case "server-key": file.serverKey = value
            case "namespace": file.namespace = value
            default:
                throw APIError(code: 0, message: "\(path): line \(index + 1): unknown key \(String(reflecting: key)) (known: \(keys.joined(separator: ", ")))")
            }
        }
        return file
    }
}
