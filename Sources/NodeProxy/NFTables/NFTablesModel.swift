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
    /// How a Service chain picks an endpoint.
    public var endpointPick: EndpointPick

    public init(table: String = NFTablesNames.table, masqueradeAll: Bool = false, masqueradeBit: Int = 14, clusterCIDR: String? = nil,
                endpointPick: EndpointPick = .cascade) {
        self.table = table
        self.masqueradeAll = masqueradeAll
        self.masqueradeBit = masqueradeBit
        self.clusterCIDR = clusterCIDR
        self.endpointPick = endpointPick
    }

    /// Both choose uniformly among N endpoints for each new connection.
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

/// A regular chain and its rules, in order.
public struct NFTablesChain: Hashable, Sendable {
    public var name: String
    public var rules: [String]

    public init(name: String, rules: [String]) {
        self.name = name
        self.rules = rules
    }
}

/// Everything one Service port owns in the table: its chains, affinity sets (name -> timeout seconds) and map
/// elements. Kept per port after a successful apply, so a partial sync can diff a changed port against it.
public struct NFTablesServiceRules: Hashable, Sendable {
    public var chains: [NFTablesChain]
    public var affinitySets: [String: Int]
    public var elements: [NFTablesElement]
    /// Endpoints programmed (for the sync report).
    public var endpointCount: Int

    public init(chains: [NFTablesChain] = [], affinitySets: [String: Int] = [:], elements: [NFTablesElement] = [], endpointCount: Int = 0) {
        self.chains = chains
        self.affinitySets = affinitySets
        self.elements = elements
        self.endpointCount = endpointCount
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
