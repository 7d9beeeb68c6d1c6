import SkiffAPI
import SkiffMessaging

/// The writes an `EndpointsSyncer` makes, and nothing else (a narrow interface: tests record them with a fake).
/// Errors are `APIError`s so that `isConflict` and `isNotFound` can tell a stale cache from a failure.
public protocol EndpointsWriter: Sendable {
    func create<T: APIObject>(_ object: T) async throws(APIError) -> T
    func update<T: APIObject>(_ object: T) async throws(APIError) -> T
    /// `resourceVersion`, when given, is a precondition (409 if the object changed since).
    func delete<T: APIObject>(_ type: T.Type, namespace: String, name: String, resourceVersion: String?) async throws(APIError) -> T
}

/// `EndpointsWriter` over the apiserver.
public struct APIClientWriter: EndpointsWriter {
    public let client: APIClient

    public init(client: APIClient) { self.client = client }

    public func create<T: APIObject>(_ object: T) async throws(APIError) -> T {
        try await client.create(object)
    }

    public func update<T: APIObject>(_ object: T) async throws(APIError) -> T {
        try await client.update(object)
    }

    public func delete<T: APIObject>(_ type: T.Type, namespace: String, name: String, resourceVersion: String?) async throws(APIError) -> T {
        try await client.delete(type, namespace: namespace, name: name, resourceVersion: resourceVersion)
    }
}
