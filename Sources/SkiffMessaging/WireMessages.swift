import Foundation

/// What a request asks the apiserver to do. Raw values are the wire spelling.
public enum Verb: String, Sendable, Codable, CaseIterable {
    case create, get, list, update, updateStatus = "update-status", delete, apply, discover
}

/// One request on the request socket.
public struct Request: Sendable, Equatable {
    public var verb: Verb
    /// The resource, plural and lower case: "services", "pods", "endpointslices".
    public var resource: String
    /// "" for cluster-scoped resources, and in `list` for all namespaces.
    public var namespace: String
    public var name: String
    /// The bearer token, if any.
    public var token: String?
    /// Options as strings: labelSelector, subresource, resourceVersion, dryRun, ...
    public var params: [String: String]
    public var body: Data

    public init(verb: Verb, resource: String, namespace: String = "", name: String = "", token: String? = nil,
                params: [String: String] = [:], body: Data = Data()) {
        self.verb = verb
        self.resource = resource
        self.namespace = namespace
        self.name = name
        self.token = token
        self.params = params
        self.body = body
    }
}

/// The reply to one request: a Kubernetes-like status code and a body (JSON for the apiserver).
public struct Response: Sendable, Equatable {
    public var code: Int
    public var body: Data

    public init(code: Int, body: Data = Data()) {
        self.code = code
        self.body = body
    }
}
