extension NFTablesRenderer {
    /// A base chain, hooked into netfilter. Priorities are numeric: nft 1.0.6 rejects `dstnat` on the output hook.
    struct BaseChain {
        var name: String
        var type: String
        var hook: String
        var priority: Int
    }

    /// Filter chains run before DNAT (dstnat - 10) so they see the Service address; reject is only valid in
    /// input, forward and output.
    static let baseChains = [
        BaseChain(name: NFTablesNames.filterInput, type: "filter", hook: "input", priority: -110),
        BaseChain(name: NFTablesNames.filterForward, type: "filter", hook: "forward", priority: -110),
        BaseChain(name: NFTablesNames.filterOutput, type: "filter", hook: "output", priority: -110),
        BaseChain(name: NFTablesNames.natPrerouting, type: "nat", hook: "prerouting", priority: -100),
        BaseChain(name: NFTablesNames.natOutput, type: "nat", hook: "output", priority: -100),
        BaseChain(name: NFTablesNames.natPostrouting, type: "nat", hook: "postrouting", priority: 100),
    ]

    /// (from, rule) pairs that lead from the base chains into ours.
    static let jumps: [(String, String)] = [
        (NFTablesNames.filterInput, "ct state new jump \(NFTablesNames.nodePortEndpointsCheck)"),
        (NFTablesNames.filterInput, "ct state new jump \(NFTablesNames.serviceEndpointsCheck)"),
        (NFTablesNames.filterForward, "ct state new jump \(NFTablesNames.serviceEndpointsCheck)"),
        (NFTablesNames.filterOutput, "ct state new jump \(NFTablesNames.serviceEndpointsCheck)"),
        (NFTablesNames.natOutput, "jump \(NFTablesNames.services)"),
        (NFTablesNames.natPrerouting, "jump \(NFTablesNames.services)"),
        (NFTablesNames.natPostrouting, "jump \(NFTablesNames.masquerading)"),
    ]

    /// The fixed part of the table, rewritten by every full sync (kube-proxy's `setupNFTables`). The maps are
    /// flushed here; the full sync then adds every element again.
    func writeBase(_ script: inout NFTablesScript) {
        let mark = options.masqueradeMark
        script.table("add table", "{ comment \"rules for skiff kube-proxy\" ; }")
        for chain in Self.baseChains {
            let spec = "{ type \(chain.type) hook \(chain.hook) priority \(chain.priority) ; }"
            // add+flush+delete first: an existing base chain with another hook or priority could not be re-added.
            script.add("add chain", chain.name, spec)
            script.add("flush chain", chain.name)
            script.add("delete chain", chain.name)
            script.add("add chain", chain.name, spec)
        }
        for chain in [NFTablesNames.services, NFTablesNames.serviceEndpointsCheck, NFTablesNames.nodePortEndpointsCheck,
                      NFTablesNames.masquerading, NFTablesNames.markForMasquerade, NFTablesNames.reject] {
            script.ensureChain(chain)
        }
        // Maps and sets before the rules that refer to them.
        for (map, type) in [(NFTablesNames.serviceIPs, "ipv4_addr . inet_proto . inet_service"),
                            (NFTablesNames.serviceNodePorts, "inet_proto . inet_service"),
                            (NFTablesNames.noEndpointServices, "ipv4_addr . inet_proto . inet_service"),
                            (NFTablesNames.noEndpointNodePorts, "inet_proto . inet_service")] {
            script.add("add map", map, "{ type \(type) : verdict ; }")
            script.add("flush map", map)
        }
        // `typeof` because numgen's type (integer) has no size of its own; the modulus in it is only a type. One map
        // per protocol because nft 1.0.6 cannot read back a map whose data is `ip daddr . th dport` ("conflicting
        // protocols specified: ip vs. th" on any later rule that uses it), while `ip daddr . tcp dport` works.
        for proto in TransportProtocol.allCases {
            for (map, key) in [(NFTablesNames.serviceEndpoints(proto), "ip daddr . th dport"), (NFTablesNames.nodePortEndpoints(proto), "th dport")] {
                script.add("add map", map, "{ typeof numgen random mod 1 . \(key) : ip daddr . \(proto.rawValue) dport ; }")
                script.add("flush map", map)
            }
        }
        script.add("add set", NFTablesNames.hairpin, "{ type ipv4_addr . ipv4_addr ; }")
        script.add("flush set", NFTablesNames.hairpin)
        for (from, rule) in Self.jumps { script.addRule(from, rule) }
        script.addRule(NFTablesNames.markForMasquerade, "mark set mark or \(mark)")
        // Hairpin: a Pod reaching itself through a Service must see the reply come from the node, not from itself.
        // After DNAT the packet goes from the client to the chosen endpoint, so source == destination is the test;
        // nft cannot compare two fields, so the set holds `ip . ip` for every endpoint IP (per-endpoint chains in
        // Kubernetes do `ip saddr ENDPOINT jump mark-for-masquerade` instead).
        script.addRule(NFTablesNames.masquerading, "ip saddr . ip daddr @\(NFTablesNames.hairpin) jump \(NFTablesNames.markForMasquerade)")
        script.addRule(NFTablesNames.masquerading, "mark and \(mark) == 0 return")
        script.addRule(NFTablesNames.masquerading, "mark set mark xor \(mark)")
        script.addRule(NFTablesNames.masquerading, "masquerade fully-random")
        // TCP gets a reset, the rest ICMP port unreachable: either way the client fails at once.
        script.addRule(NFTablesNames.reject, "meta l4proto tcp reject with tcp reset")
        script.addRule(NFTablesNames.reject, "reject")

        script.addRule(NFTablesNames.serviceEndpointsCheck, "ip daddr . meta l4proto . th dport vmap @\(NFTablesNames.noEndpointServices)")
        script.addRule(NFTablesNames.nodePortEndpointsCheck, "ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @\(NFTablesNames.noEndpointNodePorts)")
        script.addRule(NFTablesNames.services, "ip daddr . meta l4proto . th dport vmap @\(NFTablesNames.serviceIPs)")
        script.addRule(NFTablesNames.services, "fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @\(NFTablesNames.serviceNodePorts)")
    }
}

extension NFTablesRenderer {
    /// The rules of a pick chain: masquerade marking as its kind needs, then DNAT to the endpoint the random
    /// number selects among the port's `count` elements of the endpoint map.
    public func rules(of pick: NFTablesPick) -> [String] {
        let mark = "jump \(NFTablesNames.markForMasquerade)"
        var out: [String] = []
        switch pick.kind {
        case .cluster:
            if options.masqueradeAll { out.append(mark) } else if let cidr = options.clusterCIDR { out.append("ip saddr != \(cidr) \(mark)") }
        case .external, .nodePort:
            // The endpoint may be on another node: masquerade so the reply comes back through this one.
            out.append(mark)
        case .externalLocal, .nodePortLocal:
            // The node's own traffic has the node's address as source: masquerade it so replies return.
            out.append("fib saddr type local \(mark)")
        }
        let (key, map) = pick.kind == .nodePort || pick.kind == .nodePortLocal
            ? ("th dport", NFTablesNames.nodePortEndpoints(pick.protocol))
            : ("ip daddr . th dport", NFTablesNames.serviceEndpoints(pick.protocol))
        // The protocol match is required: the map's port is typed as that protocol's.
        out.append("meta l4proto \(pick.protocol.rawValue) dnat to numgen random mod \(pick.count) . \(key) map @\(map)")
        return out
    }
}
