/// The global flags, as given (nil when absent).
public struct GlobalSettings: Sendable, Equatable {
    public var server: String?
    public var token: String?
    public var configPath: String?
    /// kubectl's --request-timeout: "10s", "1m30s", "500ms", a number of seconds; "0" waits forever.
    public var requestTimeout: String?
    public var namespace: String?
    /// The apiserver's CURVE public key (--server-key).
    public var serverKey: String?

    public init(server: String? = nil, token: String? = nil, configPath: String? = nil, requestTimeout: String? = nil, namespace: String? = nil,
                serverKey: String? = nil) {
        self.server = server
        self.token = token
        self.configPath = configPath
        self.requestTimeout = requestTimeout
        self.namespace = namespace
        self.serverKey = serverKey
    }
}
