extension NFTablesRenderer {
    /// What `port` owns in the table, from `snapshot` alone: Kubernetes' per-service part of `syncProxyRules`,
    /// without LoadBalancer firewalls and topology. Nil when the port is not programmed here (absent from the
    /// snapshot, or no IPv4 cluster IP).
    ///
    /// Chains: `service-` (all usable endpoints) or `local-` (this node's) pick an endpoint with numgen
    /// (`NFTablesOptions.EndpointPick`);
    /// `external-` (NodePorts, external IPs) marks for masquerade and goes on to the external policy chain;
    /// `endpoint-` chains DNAT. A port without usable endpoints gets no chains, only a reject element in
    /// `no-endpoint-services` (and `no-endpoint-nodeports`); with a Local policy and no local endpoint, its
    /// traffic of that kind is dropped instead, as Kubernetes does.
    public func rules(for port: ServicePortName, in snapshot: ProxySnapshot) -> NFTablesServiceRules? {
        guard let service = snapshot.services[port], let clusterIP = service.clusterIPv4 else { return nil }
        let selection = snapshot.selection(for: port)
        let internalEndpoints = selection.cluster.filter { !$0.ip.contains(":") }
        let externalEndpoints = selection.external.filter { !$0.ip.contains(":") }
        let hasEndpoints = !EndpointSelection.usable(snapshot.endpoints[port] ?? []).filter { !$0.ip.contains(":") }.isEmpty
        let proto = port.protocol.rawValue
        let externalIPs = service.externalIPs.filter { !$0.contains(":") }
        let externallyAccessible = service.nodePort != nil || !externalIPs.isEmpty

        let internalChain = service.internalTrafficLocal ? NFTablesNames.localChain(port) : NFTablesNames.clusterChain(port)
        let externalPolicyChain = service.externalTrafficLocal ? NFTablesNames.localChain(port) : NFTablesNames.clusterChain(port)
        let externalChain = NFTablesNames.externalChain(port)
        let noEndpointVerdict = hasEndpoints ? "drop" : "goto \(NFTablesNames.reject)"

        var rules = NFTablesServiceRules()
        // Map elements.
        let serviceKey = "\(clusterIP) . \(proto) . \(service.port)"
        if internalEndpoints.isEmpty {
            rules.elements.append(.init(map: NFTablesNames.noEndpointServices, key: serviceKey, value: noEndpointVerdict))
        } else {
            rules.elements.append(.init(map: NFTablesNames.serviceIPs, key: serviceKey, value: "goto \(internalChain)"))
        }
        for ip in externalIPs {
            let key = "\(ip) . \(proto) . \(service.port)"
            if hasEndpoints { rules.elements.append(.init(map: NFTablesNames.serviceIPs, key: key, value: "goto \(externalChain)")) }
            if externalEndpoints.isEmpty { rules.elements.append(.init(map: NFTablesNames.noEndpointServices, key: key, value: noEndpointVerdict)) }
        }
        if let nodePort = service.nodePort {
            let key = "\(proto) . \(nodePort)"
            if hasEndpoints { rules.elements.append(.init(map: NFTablesNames.serviceNodePorts, key: key, value: "goto \(externalChain)")) }
            if externalEndpoints.isEmpty { rules.elements.append(.init(map: NFTablesNames.noEndpointNodePorts, key: key, value: noEndpointVerdict)) }
        }

        // Policy chains: internal traffic, then external traffic (the same chain when both policies agree).
        if !internalEndpoints.isEmpty {
            var chainRules: [String] = []
            if options.masqueradeAll {
                chainRules.append("ip daddr \(clusterIP) \(proto) dport \(service.port) jump \(NFTablesNames.markForMasquerade)")
            } else if let cidr = options.clusterCIDR {
                chainRules.append("ip daddr \(clusterIP) \(proto) dport \(service.port) ip saddr != \(cidr) jump \(NFTablesNames.markForMasquerade)")
            }
            chainRules += endpointDispatch(port, service, internalEndpoints)
            rules.chains.append(.init(name: internalChain, rules: chainRules))
        }
        if externallyAccessible, !externalEndpoints.isEmpty, externalPolicyChain != internalChain || internalEndpoints.isEmpty {
            rules.chains.append(.init(name: externalPolicyChain, rules: endpointDispatch(port, service, externalEndpoints)))
        }
        if externallyAccessible, hasEndpoints {
            var chainRules: [String]
            if service.externalTrafficLocal {
                // The node's own traffic has the node's address as source: masquerade it so replies return.
                chainRules = ["fib saddr type local jump \(NFTablesNames.markForMasquerade)"]
            } else {
                // Cluster policy may send the packet to another node: masquerade so the reply comes back here.
                chainRules = ["jump \(NFTablesNames.markForMasquerade)"]
            }
            if !externalEndpoints.isEmpty { chainRules.append("goto \(externalPolicyChain)") }
            rules.chains.append(.init(name: externalChain, rules: chainRules))
        }

        // Endpoint chains and affinity sets, for every endpoint either kind of traffic may reach.
        let reachable = Array(Set(internalEndpoints + (externallyAccessible ? externalEndpoints : []))).sorted()
        for endpoint in reachable {
            var chainRules = ["ip saddr \(endpoint.ip) jump \(NFTablesNames.markForMasquerade)"]
            if let timeout = service.sessionAffinity.timeoutSeconds {
                let set = NFTablesNames.affinitySet(port, endpoint)
                rules.affinitySets[set] = timeout
                chainRules.append("update @\(set) { ip saddr }")
            }
            chainRules.append("meta l4proto \(proto) dnat to \(endpoint.ip):\(endpoint.port)")
            rules.chains.append(.init(name: NFTablesNames.endpointChain(port, endpoint), rules: chainRules))
        }
        rules.endpointCount = reachable.count
        return rules
    }

    /// Affinity lookups (a client seen recently goes back to its endpoint), then a uniform random pick.
    private func endpointDispatch(_ port: ServicePortName, _ service: ServicePortInfo, _ endpoints: [EndpointInfo]) -> [String] {
        var out: [String] = []
        if service.sessionAffinity.timeoutSeconds != nil {
            for endpoint in endpoints {
                out.append("ip saddr @\(NFTablesNames.affinitySet(port, endpoint)) goto \(NFTablesNames.endpointChain(port, endpoint))")
            }
        }
        let chains = endpoints.map { NFTablesNames.endpointChain(port, $0) }
        switch options.endpointPick {
        case .vmap:
            let choices = chains.enumerated().map { "\($0.offset) : goto \($0.element)" }
            out.append("numgen random mod \(chains.count) vmap { \(choices.joined(separator: " , ")) }")
        case .cascade:
            for (index, chain) in chains.enumerated() {
                let left = chains.count - index
                out.append(left == 1 ? "goto \(chain)" : "numgen random mod \(left) == 0 goto \(chain)")
            }
        }
        return out
    }
}
