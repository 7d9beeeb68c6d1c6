import SkiffAPI

/// An informer's local copy of one kind: objects keyed by `namespace/name` (just `name` for cluster-scoped kinds,
/// as client-go's `MetaNamespaceKeyFunc`), each with the revision it was written at, plus secondary indexes.
///
/// A value type: what a reader gets can never change under it. Indexes are named functions from an object to the
/// values it is filed under (client-go's `Indexers`); `ObjectCache.labelIndex` is always there and files an
/// object under `key=value` for each of its labels.
public struct ObjectCache<Object: APIObject>: Sendable {
    public typealias IndexFunction = @Sendable (Object) -> [String]

    /// The built-in index of labels: `byIndex(ObjectCache.labelIndex, "app=web")`.
    public static var labelIndex: String { "labels" }

    /// Boxed: a cached Service is several hundred bytes, and a dictionary of them moved every value on each
    /// growth and copied the old value out on each update (a sixth of a busy informer's time). Immutable, so the
    /// cache stays a value.
    final class Entry: Sendable {
        let object: Object
        let revision: Int64

        init(object: Object, revision: Int64) {
            self.object = object
            self.revision = revision
        }
    }

    private(set) var entries: [String: Entry] = [:]
    private var indexFunctions: [String: IndexFunction] = [:]
    /// index name → value → keys.
    private var indexes: [String: [String: Set<String>]] = [:]

    public init() {
        indexFunctions[Self.labelIndex] = { object in object.labels.map { $0.key + "=" + $0.value } }
        indexes[Self.labelIndex] = [:]
    }

    /// `namespace/name`, or `name` when the namespace is empty.
    public static func key(namespace: String, name: String) -> String {
        namespace.isEmpty ? name : namespace + "/" + name
    }

    public static func key(for object: Object) -> String {
        key(namespace: object.namespace, name: object.name)
    }

    /// An object's `metadata.resourceVersion` as a revision; 0 when it has none.
    public static func revision(of object: Object) -> Int64 {
        object.metadata.resourceVersion.flatMap { Int64($0) } ?? 0
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    public var keys: [String] { entries.keys.sorted() }

    public func get(_ key: String) -> Object? { entries[key]?.object }

    public func get(namespace: String, name: String) -> Object? { get(Self.key(namespace: namespace, name: name)) }

    /// The revision `key` was last written at, as the cache knows it.
    public func revision(_ key: String) -> Int64? { entries[key]?.revision }

    /// Every object, sorted by key.
    public func list() -> [Object] {
        entries.sorted { $0.key < $1.key }.map(\.value.object)
    }

    /// The objects filed under `value` in the index `name`, sorted by key; empty for an unknown index.
    public func byIndex(_ name: String, _ value: String) -> [Object] {
        (indexes[name]?[value] ?? []).sorted().compactMap { entries[$0]?.object }
    }

    /// The keys filed under `value` in the index `name`, sorted.
    public func keys(index name: String, value: String) -> [String] {
        (indexes[name]?[value] ?? []).sorted()
    }

    /// The values the index `name` currently holds, sorted; nil for an unknown index.
    public func indexValues(_ name: String) -> [String]? {
        indexes[name].map { $0.keys.sorted() }
    }

    /// Adds (or replaces) an index and files every object already cached in it.
    public mutating func addIndex(_ name: String, _ function: @escaping IndexFunction) {
        indexFunctions[name] = function
        var index: [String: Set<String>] = [:]
        for (key, entry) in entries {
            for value in function(entry.object) { index[value, default: []].insert(key) }
        }
        indexes[name] = index
    }

    /// Stores `object` at `revision`; returns what it replaced.
    @discardableResult
    public mutating func upsert(_ object: Object, revision: Int64) -> Object? {
        upsert(object, revision: revision, key: Self.key(for: object))
    }

    /// `upsert` with the object's key already made (callers that looked it up first).
    @discardableResult
    mutating func upsert(_ object: Object, revision: Int64, key: String) -> Object? {
        let old = entries.updateValue(Entry(object: object, revision: revision), forKey: key)?.object
        reindex(key, old: old, new: object)
        return old
    }

    /// Removes the object at `key`; returns it.
    @discardableResult
    public mutating func remove(_ key: String) -> Object? {
        guard let old = entries.removeValue(forKey: key)?.object else { return nil }
        reindex(key, old: old, new: nil)
        return old
    }

    private mutating func reindex(_ key: String, old: Object?, new: Object?) {
        for (name, function) in indexFunctions {
            // Most updates leave labels alone: skip building their strings then.
            if name == Self.labelIndex, let old, let new, old.metadata.labels == new.metadata.labels { continue }
            let before = old.map(function) ?? []
            let after = new.map(function) ?? []
            if before.isEmpty {
                // An add (the common case of a busy watch): no sets to compare.
                for value in after { indexes[name, default: [:]][value, default: []].insert(key) }
                continue
            }
            if before == after { continue }
            let added = Set(after), removed = Set(before).subtracting(added)
            for value in removed {
                indexes[name]?[value]?.remove(key)
                if indexes[name]?[value]?.isEmpty == true { indexes[name]?[value] = nil }
            }
            for value in added { indexes[name, default: [:]][value, default: []].insert(key) }
        }
    }
}
