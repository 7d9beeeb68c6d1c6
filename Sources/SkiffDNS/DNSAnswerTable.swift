/// Whole UDP responses made ahead of time, so the common query (one question for a Service, SRV or headless
/// endpoint name, with or without a plain EDNS0 OPT) is answered by copying bytes: no parse into a `DNSMessage`, no
/// names, no records, no allocation. Built by `DNSSnapshotBuilder` (off the query path) with the general path itself
/// (`DNSResponder`) for a canonical query, so both paths answer the same bytes by construction; read by `DNSFastPath`.
///
/// Only answers that depend on nothing but one Service's entry and the config are kept: NOERROR with answers and no
/// authority section (an SOA carries the zone serial, which every change moves), small enough to fit 512 bytes with
/// an OPT record (so no client buffer size can truncate them). Everything else goes the general path.
public struct DNSAnswerTable: Sendable {
    /// One response for a (lowercased name, qtype), for a query with id 0, no flags, class IN and no EDNS.
    public struct Entry: Equatable, Sendable {
        /// The lowercased name's wire form followed by the qtype (big-endian): compared on lookup, after the hash.
        let key: [UInt8]
        let response: [UInt8]
        /// Whether the response holds the question name only as the question (answers point to it): then any case
        /// of the name can be answered by copying the query's question. Otherwise (an SRV target is the qname minus
        /// two labels, written uncompressed, in the query's case) only an all-lowercase query can.
        let caseFree: Bool
    }

    /// The config the responses were made with; the server uses the table only when its config is the same.
    public let config: DNSConfig?
    private(set) var entries = ShardedMap<UInt64, Entry>()

    public init(config: DNSConfig?) { self.config = config }

    public var count: Int { entries.count }

    subscript(hash: UInt64) -> Entry? { entries[hash] }

    /// Keeps `entry` under `hash` (a 64-bit hash collision keeps the newer; the other name goes the general path).
    mutating func insert(_ entry: Entry, hash: UInt64) { entries[hash] = entry }

    /// Removes the entry under `hash` if it is the one for `key` (not a colliding newer one).
    mutating func remove(key: [UInt8], hash: UInt64) {
        entries.update(hash) { entry in
            if entry?.key == key { entry = nil }
        }
    }

    // MARK: - Hashing

    /// FNV-1a over the ASCII-lowercased name wire and the qtype: computed in the same pass that walks the query.
    static let hashSeed: UInt64 = 0xcbf2_9ce4_8422_2325
    static let hashPrime: UInt64 = 0x0000_0100_0000_01b3

    @inline(__always)
    static func mix(_ hash: UInt64, _ byte: UInt8) -> UInt64 { (hash ^ UInt64(byte)) &* hashPrime }

    @inline(__always)
    static func fold(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }

    /// The hash of a lowercased key (name wire + qtype), as `DNSFastPath` computes it from a query.
    static func hash<C: Collection<UInt8>>(key: C) -> UInt64 {
        var hash = hashSeed
        for byte in key { hash = mix(hash, fold(byte)) }
        return hash
    }
}
