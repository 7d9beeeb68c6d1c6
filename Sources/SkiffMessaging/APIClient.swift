import Foundation
import SkiffAPI
import SkiffJSON

/// The typed client of the apiserver that every component uses (controllers, kubelet, kube-proxy, skiffctl).
///
/// Each call is one request on a shared `Connection` (docs/PROTOCOL.md); calls may run concurrently from any task.
/// Success is a 2xx reply decoded into the caller's type; anything else is an `APIError` carrying the server's
/// `Status` (so `isNotFound`, `isConflict`, ... drive control flow) or, with code 0, the transport failure.
public final class APIClient: Sendable {
    public let config: APIClientConfig
    private let connection: Connection

    /// Starts connecting in the background and returns at once; an absent server shows up on the first call.
    public init(config: APIClientConfig) throws(APIError) {
        self.config = config
        do {
            connection = try Connection(endpoint: config.server, options: config.connectionOptions)
        } catch {
            throw APIError(transport: error, endpoint: config.server)
        }
    }

    /// Fails calls in flight and closes the connection. Later calls fail.
    public func close() { connection.close() }

    public func create<T: APIObject>(_ object: T, dryRun: Bool = false) async throws(APIError) -> T {
        let data = try await raw(try Self.writeRequest(.create, object, dryRun: dryRun))
        return try APIBodies.decode(T.self, data, what: T.resource.kind)
    }

    public func get<T: APIObject>(_ type: T.Type, namespace: String, name: String) async throws(APIError) -> T {
        let data = try await raw(Request(verb: .get, resource: T.resource.plural, namespace: T.resource.namespaced ? namespace : "", name: name))
        return try APIBodies.decode(T.self, data, what: T.resource.kind)
    }

    /// A consistent snapshot: the items and the revision they were read at (where a watch would start).
    /// `namespace` nil lists every namespace.
    public func list<T: APIObject>(_ type: T.Type, namespace: String?, labelSelector: String? = nil) async throws(APIError) -> (items: [T], resourceVersion: String) {
        var params: [String: String] = [:]
        if let labelSelector, !labelSelector.isEmpty { params["labelSelector"] = labelSelector }
        let data = try await raw(Request(
            verb: .list, resource: T.resource.plural, namespace: T.resource.namespaced ? namespace ?? "" : "", params: params))
        let list = try APIBodies.decode(APIBodies.List<T>.self, data, what: "\(T.resource.kind)List")
        return (list.items ?? [], list.metadata?.resourceVersion ?? "")
    }

    /// Replaces the object (not its status). A `metadata.resourceVersion` in `object` is a precondition.
    public func update<T: APIObject>(_ object: T) async throws(APIError) -> T {
        try await write(.update, object)
    }

    /// Replaces only the object's status (the status subresource).
    public func updateStatus<T: APIObject>(_ object: T) async throws(APIError) -> T {
        try await write(.updateStatus, object)
    }

    /// Deletes and returns the object as it was deleted (a Pod on a node: as it is now, terminating).
    /// `resourceVersion` is a precondition if given; `gracePeriod` overrides a Pod's (0 removes it at once).
    public func delete<T: APIObject>(_ type: T.Type, namespace: String, name: String, resourceVersion: String? = nil,
                                     gracePeriod: Int64? = nil, dryRun: Bool = false) async throws(APIError) -> T {
        var params = Self.dryRunParams(dryRun)
        if let resourceVersion { params["resourceVersion"] = resourceVersion }
        if let gracePeriod { params["gracePeriodSeconds"] = String(gracePeriod) }
        let data = try await raw(Request(
            verb: .delete, resource: T.resource.plural, namespace: T.resource.namespaced ? namespace : "", name: name, params: params))
        return try APIBodies.decode(T.self, data, what: T.resource.kind)
    }

    /// Creates or updates every object, atomically: all of them are written, or none (the server's 422 causes name
    /// `items[i].field` when there is more than one object). Objects without a namespace go to "default".
    public func apply(_ objects: [any APIObject], dryRun: Bool = false) async throws(APIError) -> [ApplyResult] {
        try Self.decodeApplyResults(try await raw(try Self.applyRequest(objects, dryRun: dryRun)))
    }

    public func discover() async throws(APIError) -> Discovery {
        try APIBodies.decode(Discovery.self, try await raw(Request(verb: .discover, resource: "")), what: "discovery")
    }

    /// Sends a request as given (the config's token added when it has none) and returns the reply's body
    /// unchanged: `skiffctl get -o json` prints exactly what the server sent. Throws for any reply but 2xx.
    public func raw(_ request: Request) async throws(APIError) -> Data {
        var request = request
        if request.token == nil { request.token = config.token }
        let response: Response
        do {
            response = try await connection.call(request, timeout: config.timeout)
        } catch {
            throw APIError(transport: error, endpoint: config.server)
        }
        guard (200..<300).contains(response.code) else { throw APIError(response: response) }
        return response.body
    }

    /// Decodes an `ApplyResult` reply into typed objects.
    public static func decodeApplyResults(_ data: Data) throws(APIError) -> [ApplyResult] {
        let applied = try APIBodies.decode(APIBodies.Applied.self, data, what: "ApplyResult")
        var results: [ApplyResult] = []
        for item in applied.items {
            let objectData: Data
            do { objectData = try FastJSONEncoder.encode(item.object) } catch {
                throw APIError(code: 0, message: "cannot re-encode an applied object: \(error)")
            }
            results.append(ApplyResult(action: item.action, object: try APIBodies.decodeAnyObject(objectData)))
        }
        return results
    }

    /// The request of `apply`, for callers that send through `raw` (a List body even for one object; objects
    /// without a namespace go to `namespace`, "" meaning the server's "default").
    public static func applyRequest(_ objects: [any APIObject], namespace: String = "", dryRun: Bool = false) throws(APIError) -> Request {
        Request(verb: .apply, resource: "", namespace: namespace, params: dryRunParams(dryRun), body: try APIBodies.encodeList(objects))
    }

    /// The request of `create`, `update` or `updateStatus` for `object`, for callers that send through `raw`.
    public static func writeRequest<T: APIObject>(_ verb: Verb, _ object: T, dryRun: Bool = false) throws(APIError) -> Request {
        Request(
            verb: verb, resource: T.resource.plural, namespace: namespace(of: object), name: verb == .create ? "" : object.name,
            params: dryRunParams(dryRun), body: try APIBodies.encode(object))
    }

    private func write<T: APIObject>(_ verb: Verb, _ object: T) async throws(APIError) -> T {
        let data = try await raw(try Self.writeRequest(verb, object))
        return try APIBodies.decode(T.self, data, what: T.resource.kind)
    }

    private static func namespace<T: APIObject>(of object: T) -> String {
        T.resource.namespaced ? object.namespace : ""
    }

    private static func dryRunParams(_ dryRun: Bool) -> [String: String] {
        dryRun ? ["dryRun": "All"] : [:]
    }
}
