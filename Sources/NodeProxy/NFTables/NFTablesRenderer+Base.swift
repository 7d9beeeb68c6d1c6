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
        for (from, rule) in Self.jumps { script.addRule(from, rule) }
        script.addRule(NFTablesNames.markForMasquerade, "mark set mark or \(mark)")
        script.addRule(NFTablesNames.masquerading, "mark and \(mark) == 0 return")
        script.addRule(NFTablesNames.masquerading, "mark set mark xor \(mark)")
        script.addRule(NFTablesNames.masquerading, "masquerade fully-random")
        // TCP gets a reset, the rest ICMP port unreachable: either way the client fails at once.
        script.addRule(NFTablesNames.reject, "meta l4proto tcp reject with tcp reset")
        script.addRule(NFTablesNames.reject, "reject")

        for (map, type) in [(NFTablesNames.serviceIPs, "ipv4_addr . inet_proto . inet_service"),
                            (NFTablesNames.serviceNodePorts, "inet_proto . inet_service"),
                            (NFTablesNames.noEndpointServices, "ipv4_addr . inet_proto . inet_service"),
                            (NFTablesNames.noEndpointNodePorts, "inet_proto . inet_service")] {
            script.add("add map", map, "{ type \(type) : verdict ; }")
            script.add("flush map", map)
        }
        script.addRule(NFTablesNames.serviceEndpointsCheck, "ip daddr . meta l4proto . th dport vmap @\(NFTablesNames.noEndpointServices)")
        script.addRule(NFTablesNames.nodePortEndpointsCheck, "ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @\(NFTablesNames.noEndpointNodePorts)")
        script.addRule(NFTablesNames.services, "ip daddr . meta l4proto . th dport vmap @\(NFTablesNames.serviceIPs)")
        script.addRule(NFTablesNames.services, "fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @\(NFTablesNames.serviceNodePorts)")
    }
}
