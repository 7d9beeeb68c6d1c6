extension NFTablesRenderer {
    /// What `port` owns in the table, from `snapshot` alone: Kubernetes' per-service part of `syncProxyRules`,
    /// without LoadBalancer firewalls and topology. Nil when the port is not programmed here (absent from the
    /// snapshot, or no IPv4 cluster IP).
    ///
    /// A port without ClientIP affinity owns no chain, only map elements (see `NFTablesRenderer`): its ClusterIP
    /// (and external IPs, NodePort) map to a shared pick chain for its number of endpoints, and its endpoints are
    /// the elements `0 … N-1` of the endpoint map under its key. A port with affinity gets Kubernetes' chains:
    /// `service-`/`local-` (affinity lookups, then a numgen pick, `NFTablesOptions.EndpointPick`), `external-`
    /// (masquerade, then the policy chain) and an `endpoint-` chain per endpoint that remembers the client and
    /// DNATs. A port without usable endpoints gets only a reject element in `no-endpoint-services` (and
    /// `no-endpoint-nodeports`); with a Local policy and no local endpoint, its traffic of that kind is dropped
    /// instead, as Kubernetes does.
    public func rules(for port: ServicePortName, in snapshot: ProxySnapshot) -> NFTablesServiceRules? {
        guard let service = snapshot.services[port], let clusterIP = service.clusterIPs.first(where: { !$0.isIPv6 }) else { return nil }
        return service.sessionAffinity.timeoutSeconds == nil
            ? compactRules(port, service, clusterIP, snapshot)
            : affinityRules(port, service, clusterIP, snapshot)
    }

    /// The endpoints each kind of traffic may reach, IPv4 only (the table is family ip).
    private struct Targets {
        var cluster: [EndpointInfo]
        var external: [EndpointInfo]
        /// Any usable endpoint at all (else: reject, not drop).
        var any: Bool
        var externalIPs: [String]
        var externallyAccessible: Bool

        /// `EndpointSelection`'s choice, computed once per port (a full sync does this for every port).
        init(_ port: ServicePortName, _ service: ServicePortInfo, _ snapshot: ProxySnapshot) {
            let endpoints = snapshot.endpoints[port] ?? []
            let all = EndpointSelection.usable(endpoints).filter { !$0.ip.isIPv6 }
            var local = all
            if service.internalTrafficLocal || service.externalTrafficLocal {
                local = EndpointSelection.usable(endpoints.filter { $0.nodeName == snapshot.nodeName }).filter { !$0.ip.isIPv6 }
            }
            cluster = service.internalTrafficLocal ? local : all
            external = service.externalTrafficLocal ? local : all
            any = !all.isEmpty
            externalIPs = service.externalIPs.filter { !$0.isIPv6 }
            externallyAccessible = service.nodePort != nil || !externalIPs.isEmpty
        }

        var reachable: [EndpointInfo] {
            !externallyAccessible || external == cluster ? cluster : Array(Set(cluster + external)).sorted()
        }
    }

    /// Map elements only: dispatch to pick chains, endpoints in the endpoint maps, hairpin IPs.
    private func compactRules(_ port: ServicePortName, _ service: ServicePortInfo, _ clusterIP: String,
                              _ snapshot: ProxySnapshot) -> NFTablesServiceRules {
        let targets = Targets(port, service, snapshot)
        let proto = port.protocol.rawValue
        let noEndpointVerdict = targets.any ? "drop" : "goto \(NFTablesNames.reject)"
        var rules = NFTablesServiceRules()
        /// `key` in `map` goes to the pick chain; `endpointKey` (the key without the protocol) finds the endpoints.
        func dispatch(_ map: String, _ key: String, _ kind: NFTablesPick.Kind, _ endpointMap: String, _ endpointKey: String,
                      _ endpoints: [EndpointInfo]) {
            let pick = NFTablesPick(kind, port.protocol, endpoints.count)
            rules.picks.insert(pick)
            rules.elements.append(.init(map: map, key: key, value: "goto \(pick.name)"))
            for (index, endpoint) in endpoints.enumerated() {
                rules.elements.append(.init(map: endpointMap, key: "\(index) . \(endpointKey)", value: "\(endpoint.ip) . \(endpoint.port)"))
            }
        }
        let serviceKey = "\(clusterIP) . \(proto) . \(service.port)"
        if targets.cluster.isEmpty {
            rules.elements.append(.init(map: NFTablesNames.noEndpointServices, key: serviceKey, value: noEndpointVerdict))
        } else {
            dispatch(NFTablesNames.serviceIPs, serviceKey, .cluster, NFTablesNames.serviceEndpoints(port.protocol),
                     "\(clusterIP) . \(service.port)", targets.cluster)
        }
        for ip in targets.externalIPs {
            let key = "\(ip) . \(proto) . \(service.port)"
            if targets.external.isEmpty {
                rules.elements.append(.init(map: NFTablesNames.noEndpointServices, key: key, value: noEndpointVerdict))
            } else {
                dispatch(NFTablesNames.serviceIPs, key, service.externalTrafficLocal ? .externalLocal : .external,
                         NFTablesNames.serviceEndpoints(port.protocol), "\(ip) . \(service.port)", targets.external)
            }
        }
        if let nodePort = service.nodePort {
            let key = "\(proto) . \(nodePort)"
            if targets.external.isEmpty {
                rules.elements.append(.init(map: NFTablesNames.noEndpointNodePorts, key: key, value: noEndpointVerdict))
            } else {
                dispatch(NFTablesNames.serviceNodePorts, key, service.externalTrafficLocal ? .nodePortLocal : .nodePort,
                         NFTablesNames.nodePortEndpoints(port.protocol), "\(nodePort)", targets.external)
            }
        }
        let reachable = targets.reachable
        rules.hairpin = Set(reachable.map(\.ip))
        rules.endpointCount = reachable.count
        return rules
    }

    /// Kubernetes' chains, for a port with ClientIP affinity: the affinity sets are per endpoint.
    private func affinityRules(_ port: ServicePortName, _ service: ServicePortInfo, _ clusterIP: String,
                               _ snapshot: ProxySnapshot) -> NFTablesServiceRules {
        let targets = Targets(port, service, snapshot)
        let internalEndpoints = targets.cluster
        let externalEndpoints = targets.external
        let hasEndpoints = targets.any
        let proto = port.protocol.rawValue
        let externalIPs = targets.externalIPs
        let externallyAccessible = targets.externallyAccessible

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
        let reachable = targets.reachable
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

fileprivate extension String {
    /// A colon means IPv6; checked on the UTF-8 bytes (Foundation's `contains` of a String is far slower, and a
    /// full sync asks this for every endpoint).
    var isIPv6: Bool { utf8.contains(UInt8(ascii: ":")) }
}
