import SkiffAPI

/// Desired slice endpoints keyed by identity (Kubernetes' EndpointSet): addresses, hostname and target
/// namespace/name. Other fields (conditions, node, zone) can then change in place without moving an endpoint.
struct EndpointSet {
    struct Key: Hashable, Comparable {
        let addresses: [String]
        let hostname: String
        let namespace: String
        let name: String

        init(_ endpoint: Endpoint) {
            addresses = endpoint.addresses.sorted()
            hostname = endpoint.hostname ?? ""
            namespace = endpoint.targetRef?.namespace ?? ""
            name = endpoint.targetRef?.name ?? ""
        }

        static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.addresses.joined(separator: ","), lhs.namespace, lhs.name, lhs.hostname)
                < (rhs.addresses.joined(separator: ","), rhs.namespace, rhs.name, rhs.hostname)
        }
    }

    private(set) var entries: [Key: Endpoint] = [:]

    init(_ endpoints: [Endpoint] = []) {
        for endpoint in endpoints { insert(endpoint) }
    }

    var count: Int { entries.count }
    var isEmpty: Bool { entries.isEmpty }

    mutating func insert(_ endpoint: Endpoint) { entries[Key(endpoint)] = endpoint }
    func get(_ endpoint: Endpoint) -> Endpoint? { entries[Key(endpoint)] }
    mutating func remove(_ endpoint: Endpoint) { entries[Key(endpoint)] = nil }

    /// The remaining endpoints in a fixed order, so that the same input always packs the same way.
    var sorted: [Endpoint] { entries.keys.sorted().compactMap { entries[$0] } }

    /// Kubernetes' EndpointsEqualBeyondHash: what the key does not cover, with targetRef resourceVersion ignored.
    static func equalBeyondKey(_ lhs: Endpoint, _ rhs: Endpoint) -> Bool {
        var left = lhs.targetRef
        var right = rhs.targetRef
        left?.resourceVersion = nil
        right?.resourceVersion = nil
        return lhs.nodeName == rhs.nodeName && lhs.zone == rhs.zone && left == right
            && lhs.conditions?.ready == rhs.conditions?.ready && lhs.conditions?.serving == rhs.conditions?.serving
            && lhs.conditions?.terminating == rhs.conditions?.terminating
    }

    /// Sorts a slice's endpoints into the order `sorted` uses, for stable output.
    static func ordered(_ endpoints: [Endpoint]) -> [Endpoint] {
        endpoints.sorted { Key($0) < Key($1) }
    }
}
