/// Where an object lives: its resource (the plural, e.g. "services"), namespace ("" for cluster-scoped kinds) and name.
/// Ordered by resource, then namespace, then name: the order `list` returns (SQLite sorts by UTF-8 bytes, which agrees
/// with this for the ASCII names Kubernetes allows).
public struct StoreKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var resource: String
    public var namespace: String
    public var name: String

    public init(resource: String, namespace: String, name: String) {
        self.resource = resource
        self.namespace = namespace
        self.name = name
    }

    public static func < (lhs: StoreKey, rhs: StoreKey) -> Bool {
        (lhs.resource, lhs.namespace, lhs.name) < (rhs.resource, rhs.namespace, rhs.name)
    }

    /// "services/default/ent", or "namespaces/default" for a cluster-scoped object: the form used in error messages.
    public var description: String {
        namespace.isEmpty ? "\(resource)/\(name)" : "\(resource)/\(namespace)/\(name)"
    }
}
