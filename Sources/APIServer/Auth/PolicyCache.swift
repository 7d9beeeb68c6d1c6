import Foundation
import SkiffAPI
import SkiffJSON
import SkiffStore
import Synchronization

/// The RBAC objects stored in the API, kept in memory and indexed, so that authorization reads no store and sees a
/// `skiffctl apply` of a Role or binding as soon as it commits.
///
/// Fed two ways, both idempotent: the store's commit observer (`observe`, on the store's writer thread: every
/// commit, including the namespace finalizer's deletes) and `load` (a full list, at start and after each RBAC
/// write the request handler made, so the writer's own next request never races the observer). Each key keeps the
/// revision it was last seen at, deletes leave a tombstone, and older news never replaces newer.
public final class PolicyCache: Sendable {
    static let resources: Set<String> = [Role.resource.plural, ClusterRole.resource.plural, RoleBinding.resource.plural, ClusterRoleBinding.resource.plural]

    private struct Entry { var revision: Revision; var object: (any APIObject)? }
    private struct State {
        var entries: [StoreKey: Entry] = [:]
        var index = PolicyIndex()
    }

    private let state = Mutex(State())

    public init() {}

    /// The index in force now (a value: later changes do not affect it).
    public var index: PolicyIndex { state.withLock { $0.index } }

    /// The store's commit observer: picks out RBAC events. Cheap for every other commit (a set lookup per event).
    public func observe(_ events: [StoreEvent]) {
        let relevant = events.filter { Self.resources.contains($0.object.key.resource) }
        guard !relevant.isEmpty else { return }
        state.withLock { state in
            var changed = false
            for event in relevant {
                let object = event.type == .deleted ? nil : Self.decode(event.object)
                changed = Self.merge(&state, key: event.object.key, revision: event.revision, object: object, deleted: event.type == .deleted) || changed
            }
            if changed { Self.rebuild(&state) }
        }
    }

    /// Lists every RBAC object and merges the result (objects missing from the list and older than it are gone).
    public func load(from store: any Store) async throws {
        var listed: [(StoredObject, any APIObject)] = []
        var revisions: [String: Revision] = [:]
        for resource in Self.resources.sorted() {
            let (objects, at) = try await store.list(resource: resource, namespace: nil, atRevision: nil)
            revisions[resource] = at
            for object in objects { if let decoded = Self.decode(object) { listed.append((object, decoded)) } }
        }
        let listedAt = revisions
        state.withLock { state in
            let present = Set(listed.map { $0.0.key })
            for (key, entry) in state.entries where entry.object != nil && !present.contains(key) {
                guard let at = listedAt[key.resource], entry.revision <= at else { continue }
                state.entries[key] = Entry(revision: at, object: nil)
            }
            for (stored, object) in listed {
                _ = Self.merge(&state, key: stored.key, revision: stored.modRevision, object: object, deleted: false)
            }
            Self.rebuild(&state)
        }
    }

    private static func merge(_ state: inout State, key: StoreKey, revision: Revision, object: (any APIObject)?, deleted: Bool) -> Bool {
        if let known = state.entries[key], known.revision >= revision { return false }
        state.entries[key] = Entry(revision: revision, object: deleted ? nil : object)
        return true
    }

    private static func rebuild(_ state: inout State) {
        let objects = state.entries.values.compactMap(\.object)
        state.index = PolicyIndex(
            roles: objects.compactMap { $0 as? Role }, clusterRoles: objects.compactMap { $0 as? ClusterRole },
            roleBindings: objects.compactMap { $0 as? RoleBinding }, clusterRoleBindings: objects.compactMap { $0 as? ClusterRoleBinding })
    }

    private static func decode(_ stored: StoredObject) -> (any APIObject)? {
        switch stored.key.resource {
        case Role.resource.plural: return try? FastJSONDecoder.decode(Role.self, from: stored.value)
        case ClusterRole.resource.plural: return try? FastJSONDecoder.decode(ClusterRole.self, from: stored.value)
        case RoleBinding.resource.plural: return try? FastJSONDecoder.decode(RoleBinding.self, from: stored.value)
        case ClusterRoleBinding.resource.plural: return try? FastJSONDecoder.decode(ClusterRoleBinding.self, from: stored.value)
        default: return nil
        }
    }
}
