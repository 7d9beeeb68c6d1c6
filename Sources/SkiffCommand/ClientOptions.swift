import ArgumentParser
import SkiffMessaging

/// How a component finds the apiserver: the flags every controller shares, resolved as skiffctl resolves them.
public struct ClientOptions: ParsableArguments {
    @Option(help: "The apiserver's request endpoint (default: SKIFF_SERVER, the config file, tcp://127.0.0.1:6443).")
    public var server: String?

    @Option(help: "Bearer token (default: SKIFF_TOKEN, the config file).")
    public var token: String?

    @Option(help: "The apiserver's CURVE public key, Z85 (default: SKIFF_SERVER_KEY, the config file's `server-key:`; none: plaintext).")
    public var serverKey: String?

    @Option(help: "Config file with `server:`, `token:` and `server-key:` lines (default: SKIFF_CONFIG, ~/.skiff/config).")
    public var config: String?

    public init() {}

    /// --server > SKIFF_SERVER > the config file > tcp://127.0.0.1:6443 (and the same for the token and server key).
    public func resolve() throws -> APIClientConfig {
        try APIClientConfig.resolve(server: server, token: token, configPath: config, serverKey: serverKey)
    }
}
