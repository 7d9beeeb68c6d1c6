/// A hash map split into 256 copy-on-write shards, so that two versions can share almost everything.
///
/// A published `DNSSnapshot` and the builder's next version share their tables. With one `Dictionary`, the first
/// write after a publish would copy the whole table (every Service, every endpoint IP): O(all) per change. Here a
/// write copies the array of shard references (256 retains) and the one shard it touches (1/256 of the entries),
/// so a change costs the same at 100 Services as at 100,000 endpoints. Reads cost one extra hash to pick the shard.
/// (A HAMT would share more finely; this is enough for the sizes a cluster DNS holds and is a few lines.)
public struct ShardedMap<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    static var shardBits: Int { 8 }
    private var shards: [[Key: Value]]
    public private(set) var count = 0

    public init() {
        shards = Array(repeating: [:], count: 1 << Self.shardBits)
    }

    @inline(__always)
    static func shard(_ key: Key) -> Int { key.hashValue & ((1 << shardBits) - 1) }

    public var isEmpty: Bool { count == 0 }

    public subscript(key: Key) -> Value? {
        get { shards[Self.shard(key)][key] }
        set {
            let index = Self.shard(key)
            if let newValue {
                if shards[index].updateValue(newValue, forKey: key) == nil { count += 1 }
            } else if shards[index].removeValue(forKey: key) != nil {
                count -= 1
            }
        }
    }

    /// Changes the value at `key` in place (nil in or out: absent), copying at most its shard.
    public mutating func update<R>(_ key: Key, _ body: (inout Value?) -> R) -> R {
        let index = Self.shard(key)
        let before = shards[index][key] != nil
        let result = body(&shards[index][key])
        let after = shards[index][key] != nil
        if before != after { count += after ? 1 : -1 }
        return result
    }

    /// Every entry, in no particular order.
    public func forEach(_ body: (Key, Value) throws -> Void) rethrows {
        for shard in shards {
            for (key, value) in shard { try body(key, value) }
        }
    }

    public var keys: [Key] {
        var result: [Key] = []
        result.reserveCapacity(count)
        forEach { key, _ in result.append(key) }
        return result
    }
}

extension ShardedMap: Equatable where Value: Equatable {
    /// Same entries (shards are chosen by the key's hash, so equal maps have equal shards).
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.count == rhs.count && lhs.shards == rhs.shards
    }
}

extension ShardedMap: CustomStringConvertible {
    /// The entries, not the shards (test failures stay readable).
    public var description: String {
        var parts: [String] = []
        forEach { key, value in parts.append("\(key): \(value)") }
        return "[" + parts.sorted().joined(separator: ", ") + "]"
    }
}
