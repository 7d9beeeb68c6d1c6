import Foundation
import Logging
import SkiffAPI
import SkiffMessaging

/// What watch tests need besides skiffctl: a request connection of their own, informers on it, and the store's
/// state as a list reports it.
extension ClusterHarness {
    /// A connection to the apiserver's request socket; it reconnects by itself across restarts.
    func connection(timeout: Duration = .seconds(10)) throws -> Connection {
        try Connection(endpoint: server, options: ConnectionOptions(timeout: timeout))
    }

    func informer<T: APIObject>(_ type: T.Type, on connection: Connection, namespace: String? = nil,
                                options: InformerOptions = InformerOptions()) throws -> Informer<T> {
        var logger = Logger(label: "e2e.informer")
        logger.logLevel = .warning
        return try Informer<T>(connection: connection, namespace: namespace, options: options, logger: logger)
    }

    /// Every object of a kind (in `namespace`, or all) by informer cache key, with its resourceVersion, and the
    /// revision of the list.
    func stored<T: APIObject>(_ type: T.Type, on connection: Connection, namespace: String = "") async throws -> (objects: [String: Int64], revision: Int64) {
        let response = try await connection.call(Request(verb: .list, resource: T.resource.plural, namespace: namespace))
        guard response.code == 200 else { throw HarnessError("list \(T.resource.plural): \(response.code) \(String(decoding: response.body, as: UTF8.self))") }
        let list = try JSONDecoder().decode(WatchListReply<T>.self, from: response.body)
        let objects = Dictionary(uniqueKeysWithValues: list.items.map { (ObjectCache<T>.key(for: $0), ObjectCache<T>.revision(of: $0)) })
        return (objects, Int64(list.metadata.resourceVersion) ?? 0)
    }
}

/// A `list` reply.
private struct WatchListReply<T: APIObject>: Decodable {
    struct Meta: Decodable { var resourceVersion: String }
    var metadata: Meta
    var items: [T]
}
