/// How the nftables proxier programs a node (kube-proxy's nftables flags).
public struct NFTablesOptions: Hashable, Sendable {
    /// The table (family `ip`: this proxier programs IPv4 only; IPv6 cluster IPs and endpoints are skipped).
    public var table: String
    /// Masquerade all traffic to Services (kube-proxy's --masquerade-all).
    public var masqueradeAll: Bool
    /// The packet mark bit that asks the masquerading chain to SNAT (kube-proxy's --iptables-masquerade-bit).
    public var masqueradeBit: Int
    /// The cluster's pod CIDR: ClusterIP traffic from outside it is masqueraded (kube-proxy's --cluster-cidr
    /// local detector). Nil: only hairpin traffic (a Pod reaching itself) and NodePort traffic is masqueraded.
    public var clusterCIDR: String?
    /// How the chain of a Service with ClientIP affinity picks an endpoint chain (the others use pick chains).
    public var endpointPick: EndpointPick

    public init(table: String = NFTablesNames.table, masqueradeAll: Bool = false, masqueradeBit: Int = 14, clusterCIDR: String? = nil,
                endpointPick: EndpointPick = .cascade) {
        self.table = table
        self.masqueradeAll = masqueradeAll
        self.masqueradeBit = masqueradeBit
        self.clusterCIDR = clusterCIDR
        self.endpointPick = endpointPick
    }

    /// How the chain of a Service with ClientIP affinity (the only Services with per-endpoint chains, see
    /// `NFTablesRenderer`) picks among its endpoint chains; both choose uniformly among N endpoints.
    ///
    /// `vmap` is Kubernetes' rule, `numgen random mod N vmap { 0 : goto endpoint-A , ... }`, but each such rule
    /// creates an anonymous set, and the kernel names a new anonymous set by scanning every set of the table
    /// (`nf_tables_set_alloc_name`): a full sync of 10,000 Services of 5 endpoints took 85 s of kernel time on
    /// 6.18 (nft 1.0.6), against 7 s for the same table with `cascade`. `cascade` is iptables mode's choice
    /// in nftables terms, one rule per endpoint, each taken with probability 1/(endpoints left):
    /// `numgen random mod 3 == 0 goto endpoint-A`, `numgen random mod 2 == 0 goto endpoint-B`, `goto endpoint-C`.
    public enum EndpointPick: String, Hashable, Sendable, CaseIterable {
        case cascade, vmap
    }

    /// `0x00004000` for bit 14, as kube-proxy formats it.
    var masqueradeMark: String {
        let hex = String(1 << masqueradeBit, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - hex.count)) + hex
    }
}

/// One element of a verdict map: `key : value`, e.g. `10.96.0.1 . tcp . 80 : goto service-...`.
public struct NFTablesElement: Hashable, Sendable, Comparable {
    public var map: String
    public var key: String
    public var value: String

    public init(map: String, key: String, value: String) {
        self.map = map
        self.key = key
        self.value = value
    }

    public static func < (a: Self, b: Self) -> Bool { (a.map, a.key) < (b.map, b.key) }
}

/// A chain shared by every Service port whose traffic of one kind goes to N endpoints: it marks for masquerade
/// as that kind needs, then DNATs to `numgen random mod N . <key>` looked up in an endpoint map. Its rules
/// depend only on its name (and the options), so any number of Services share it and it never changes.
public struct NFTablesPick: Hashable, Sendable, Comparable {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// ClusterIP traffic: masquerade per --masquerade-all / --cluster-cidr; key `ip daddr . proto . port`.
        case cluster
        /// External IPs, externalTrafficPolicy Cluster: always masquerade (the endpoint may be on another node).
        case external
        /// External IPs, Local policy: masquerade only the node's own traffic (so replies come back).
        case externalLocal = "external-local"
        /// NodePorts, Cluster policy; key `proto . port`.
        case nodePort = "nodeport"
        /// NodePorts, Local policy.
        case nodePortLocal = "nodeport-local"
    }

    public var kind: Kind
    /// Each protocol has its own endpoint maps (see `NFTablesRenderer.rules(of:)`).
    public var `protocol`: TransportProtocol
    public var count: Int

    public init(_ kind: Kind, _ proto: TransportProtocol, _ count: Int) {
        self.kind = kind
        self.protocol = proto
        self.count = count
    }

    /// `pick-cluster-tcp-5`.
    public var name: String { "pick-\(kind.rawValue)-\(`protocol`.rawValue)-\(count)" }

    public static func < (a: Self, b: Self) -> Bool {
        (a.kind.rawValue, a.protocol.rawValue, a.count) < (b.kind.rawValue, b.protocol.rawValue, b.count)
    }
}

/// A regular chain and its rules, in order.
public struct NFTablesChain: Hashable, Sendable {
    public var name: String
    public var rules: [String]

    public init(name: String, rules: [String]) {
        self.name = name
        self.rules = rules
    }
}

/// Everything one Service port owns in the table: its chains and affinity sets (name -> timeout seconds; only
/// with ClientIP affinity), its map elements, the shared pick chains it uses and the endpoint IPs it puts in the
/// hairpin set. Kept per port after a successful apply, so a partial sync can diff a changed port against it.
public struct NFTablesServiceRules: Hashable, Sendable {
    public var chains: [NFTablesChain]
    public var affinitySets: [String: Int]
    public var elements: [NFTablesElement]
    public var picks: Set<NFTablesPick>
    /// Endpoint IPs that need `ip . ip` in the hairpin set (shared with other ports: reference counted).
    public var hairpin: Set<String>
    /// Endpoints programmed (for the sync report).
    public var endpointCount: Int

    public init(chains: [NFTablesChain] = [], affinitySets: [String: Int] = [:], elements: [NFTablesElement] = [],
                picks: Set<NFTablesPick> = [], hairpin: Set<String> = [], endpointCount: Int = 0) {
        self.chains = chains
        self.affinitySets = affinitySets
        self.elements = elements
        self.picks = picks
        self.hairpin = hairpin
        self.endpointCount = endpointCount
    }
}

/// What the table holds after the last successful apply, as far as the proxier knows: per-port rules, the
/// pick chains that exist, and how many ports use each hairpin element (deleted when the count drops to 0).
public struct NFTablesState: Sendable {
    public var ports: [ServicePortName: NFTablesServiceRules] = [:]
    public var picks: Set<NFTablesPick> = []
    public var hairpin: [String: Int] = [:]
    public private(set) var endpointCount = 0

    public init() {}

    /// The state as `ports` alone would leave it (tests; a full sync's result).
    public init(ports: [ServicePortName: NFTablesServiceRules]) {
        for (port, rules) in ports { update(port, to: rules) }
    }

    /// Records what `transaction` did; called only after it was applied.
    public mutating func apply(_ transaction: NFTablesTransaction) {
        if transaction.replacesAll { self = NFTablesState() }
        for (port, rules) in transaction.updates { update(port, to: rules) }
    }

    private mutating func update(_ port: ServicePortName, to rules: NFTablesServiceRules?) {
        if let old = ports[port] {
            endpointCount -= old.endpointCount
            for ip in old.hairpin { hairpin[ip] = hairpin[ip].map { $0 - 1 }.flatMap { $0 > 0 ? $0 : nil } }
        }
        ports[port] = rules
        if let rules {
            endpointCount += rules.endpointCount
            for ip in rules.hairpin { hairpin[ip, default: 0] += 1 }
            picks.formUnion(rules.picks)
        }
    }
}

/// The per-Service chains and sets found in the table (from `nft -j list`), for reconciling on a full sync.
public struct NFTablesTableContents: Hashable, Sendable {
    public var chains: Set<String>
    public var sets: Set<String>

    public init(chains: Set<String> = [], sets: Set<String> = []) {
        self.chains = chains
        self.sets = sets
    }
}

/// One rendered `nft -f` transaction and what the table holds once it is applied.
public struct NFTablesTransaction: Sendable {
    public var text: String
    /// Commands (lines) in `text`: the "rules written" of the sync report.
    public var statements: Int
    /// Per changed port, what it owns after the apply (nil: nothing, the port was removed).
    public var updates: [ServicePortName: NFTablesServiceRules?]
    /// True when `updates` replaces the whole programmed state (a full sync).
    public var replacesAll: Bool
}
