import Foundation
import Logging
import SkiffAPI
import SkiffMessaging

/// What a watch of one kind reports: the objects when it started, once, then every change after them.
public enum WatchUpdate: Sendable {
    case initial([FetchedObject])
    case change(WatchEvent)
}

/// Where `get -w` gets its changes. The real one runs an `Informer`; tests pass a scripted one.
public protocol WatchSource: Sendable {
    /// Reports the objects of `type` (in `namespace`, nil for all) to `body`: `.initial` once, then `.change`s,
    /// until the calling task is cancelled or the source ends.
    func watch(_ type: any APIObject.Type, namespace: String?, _ body: (WatchUpdate) async throws -> Void) async throws
}

/// Watches through an `Informer<T>` on a connection of its own: the informer finds the watch endpoint through
/// `discover`, and relists across apiserver restarts, delivering the differences, so the stream goes on and never
/// shows an older version of an object after a newer one.
public struct InformerWatchSource: WatchSource {
    public var config: APIClientConfig
    public var logger: Logger

    public init(config: APIClientConfig, logger: Logger? = nil) {
        self.config = config
        // The informer warns on stderr while the apiserver is away; a watch just waits for it.
        var quiet = Logger(label: "skiffctl.watch")
        quiet.logLevel = .error
        self.logger = logger ?? quiet
    }

    public func watch(_ type: any APIObject.Type, namespace: String?, _ body: (WatchUpdate) async throws -> Void) async throws {
        try await watchTyped(type, namespace: namespace, body)
    }

    private func watchTyped<T: APIObject>(_ type: T.Type, namespace: String?, _ body: (WatchUpdate) async throws -> Void) async throws {
        // A zero timeout means "wait forever" to the CLI; the informer needs a deadline to retry.
        let timeout = config.timeout > .zero ? config.timeout : .seconds(10)
        let connection = try Connection(endpoint: config.server, options: ConnectionOptions(timeout: timeout, curveServerKey: config.serverKey))
        defer { connection.close() }
        let informer = try Informer<T>(
            connection: connection, namespace: namespace, options: InformerOptions(token: config.token, requestTimeout: timeout),
            logger: logger)
        // Registered before run(): the cache is empty, so every event is a real change.
        let events = informer.events()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await informer.run() }
            defer { group.cancelAll() }
            guard await informer.waitForSync() else { return }
            var iterator = events.makeAsyncIterator()
            // The initial objects are the cache as it is now; the events that built it are in the stream (the
            // informer hands them out before it changes the cache any further), so consume them until the state
            // they add up to is this snapshot. What follows is a change after it.
            let snapshot = informer.list()
            let target = Dictionary(uniqueKeysWithValues: snapshot.map { (ObjectCache<T>.key(for: $0), ObjectCache<T>.revision(of: $0)) })
            var folded: [String: Int64] = [:]
            while folded != target {
                guard let event = await iterator.next() else { return }
                let object = event.object
                if case .deleted = event {
                    folded[ObjectCache<T>.key(for: object)] = nil
                } else {
                    folded[ObjectCache<T>.key(for: object)] = ObjectCache<T>.revision(of: object)
                }
            }
            try await body(.initial(try snapshot.map(Self.fetched)))
            while let event = await iterator.next() {
                switch event {
                case .added(let object): try await body(.change(WatchEvent(.added, try Self.fetched(object))))
                case .updated(_, let object): try await body(.change(WatchEvent(.modified, try Self.fetched(object))))
                case .deleted(let object): try await body(.change(WatchEvent(.deleted, try Self.fetched(object))))
                }
            }
        }
    }

    /// The object with its JSON as the server would send it (kind and apiVersion set).
    static func fetched<T: APIObject>(_ object: T) throws(CLIError) -> FetchedObject {
        var typed = object
        typed.setTypeMeta()
        let data: Data
        do { data = try JSONEncoder().encode(typed) } catch {
            throw CLIError(.reply, "cannot encode \(T.resource.kind) \(object.name): \(error)")
        }
        return FetchedObject(json: try OrderedJSON(parsing: data), object: typed)
    }
}
