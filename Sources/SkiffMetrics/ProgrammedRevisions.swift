import Foundation
import Synchronization

/// What a component has programmed: per Service, the resourceVersion of the Service object it currently serves,
/// and the newest store revision it has applied overall. `skiffctl apply --wait` polls it (`GET /programmed`) until
/// every Service it wrote is served at (at least) the resourceVersion the apiserver returned.
///
/// The JSON served (keys sorted):
///
///     {"ready": true, "revision": "1234", "services": {"default/ent": "1200", "shop/cart": "1187"}}
///
/// - `ready`: the component has synced and programmed its first full view (before that `services` is empty);
/// - `revision`: the newest store revision (a decimal resourceVersion) whose effects are programmed; every
///   write at or below it is reflected, including deletions;
/// - `services`: `"namespace/name"` -> resourceVersion of the Service as programmed; a Service not listed is not
///   programmed (deleted, or not yet seen).
public final class ProgrammedRevisions: Sendable {
    public struct Snapshot: Codable, Equatable, Sendable {
        public var ready: Bool
        public var revision: String
        public var services: [String: String]

        public init(ready: Bool = false, revision: String = "0", services: [String: String] = [:]) {
            self.ready = ready
            self.revision = revision
            self.services = services
        }
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var current: Snapshot { state.withLock { $0 } }

    /// Replaces the whole view after a new programming (the component knows exactly what it now serves).
    public func publish(services: [String: String], revision: Int64) {
        state.withLock { $0 = Snapshot(ready: true, revision: String(revision), services: services) }
    }

    /// Applies a partial programming in place: `changed` Services are now served at the given resourceVersions,
    /// `removed` ones no longer; the others stay as they were. Costs O(changes), not O(all Services).
    public func apply(changed: [String: String], removed: [String], revision: Int64) {
        state.withLock { snapshot in
            snapshot.ready = true
            for (key, version) in changed { snapshot.services[key] = version }
            for key in removed { snapshot.services[key] = nil }
            if revision > Int64(snapshot.revision) ?? 0 { snapshot.revision = String(revision) }
        }
    }

    /// Moves only the overall revision forward (a change that programmed nothing new, such as a bookmark).
    public func advance(to revision: Int64) {
        state.withLock { snapshot in
            if revision > Int64(snapshot.revision) ?? 0 { snapshot.revision = String(revision) }
        }
    }

    /// The JSON document served at `/programmed`.
    public func json() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(current))) ?? Array(#"{"ready":false,"revision":"0","services":{}}"#.utf8)
    }
}
