/// Service, endpoint, SRV, pod and PTR records.
extension RecordBuilder.Context {
    typealias Lookup = RecordBuilder.Lookup

    /// `<svc>.<ns>.svc.<zone>`: the ClusterIPs, every ready endpoint of a headless service (NXDOMAIN when none is
    /// ready, as CoreDNS), or a CNAME for ExternalName, which answers every type (RFC 1034 3.6.2).
    func serviceRecords(_ key: DNSSnapshot.ServiceKey) -> Lookup {
        guard let entry = snapshot.services[key] else { return .nameError }
        switch entry.kind {
        case .externalName(let target):
            return .found(answers: [record(.cname(target))], additional: [])
        case .clusterIP(let ips):
            return found(ips.map { address($0) })
        case .headless:
            guard !entry.endpoints.isEmpty else { return .nameError }
            return found(entry.endpoints.map { address($0.ip) })
        }
    }

    /// `<host>.<svc>.<ns>.svc.<zone>`: endpoints of headless services, by hostname or dashed IP (spec 2.4.1).
    func endpointRecords(_ label: String, _ key: DNSSnapshot.ServiceKey) -> Lookup {
        guard let entry = snapshot.services[key], entry.kind == .headless else { return .nameError }
        let matching = entry.endpoints.filter { $0.label == label }
        guard !matching.isEmpty else { return .nameError }
        return found(matching.map { address($0.ip) })
    }

    /// `_<port>._<proto>.<svc>.<ns>.svc.<zone>`, for named ports only (spec 2.3.1 / 2.4.2). A ClusterIP service has
    /// one SRV per port with the service name as target; a headless one has one per ready endpoint and port, with
    /// the endpoint's name as target. The targets' addresses go in the additional section.
    func srvRecords(port: String, proto: String, _ key: DNSSnapshot.ServiceKey) -> Lookup {
        guard let entry = snapshot.services[key] else { return .nameError }
        func matches(_ candidate: DNSSnapshot.Port) -> Bool { candidate.name == port && candidate.proto == proto }
        // The qname minus `_port._proto` is the service name, in the query's case.
        let serviceName = name.droppingFirst(2)
        // Dual-stack endpoints share a hostname, so one (port, target) pair can carry several addresses.
        var targets: [(port: UInt16, target: DNSName)] = []
        var addresses: [DNSName: [IPAddr]] = [:]
        func add(_ port: UInt16, _ target: DNSName, _ ips: [IPAddr]) {
            if !targets.contains(where: { $0.port == port && $0.target == target }) { targets.append((port, target)) }
            for ip in ips where !(addresses[target]?.contains(ip) ?? false) { addresses[target, default: []].append(ip) }
        }
        switch entry.kind {
        case .externalName:
            return .nameError
        case .clusterIP(let ips):
            for candidate in entry.ports where matches(candidate) { add(candidate.port, serviceName, ips) }
        case .headless:
            for endpoint in entry.endpoints {
                guard let target = try? serviceName.prepending(endpoint.label.utf8) else { continue }
                for candidate in endpoint.ports where matches(candidate) { add(candidate.port, target, [endpoint.ip]) }
            }
        }
        guard !targets.isEmpty else { return .nameError }
        guard type == .srv else { return .noData }
        // CoreDNS's weighting: equal priority, weights splitting 100, at least 1.
        let weight = UInt16(max(1, 100 / targets.count))
        let answers = targets.map { record(.srv(priority: 0, weight: weight, port: $0.port, target: $0.target)) }
        var additional: [ResourceRecord] = []
        var added: Set<DNSName> = []
        for target in targets where added.insert(target.target).inserted {
            // A and AAAA as separate RRsets, so truncation drops them whole.
            let ips = addresses[target.target] ?? []
            additional += ips.filter(\.isIPv4).map { address($0, owner: target.target) }
            additional += ips.filter { !$0.isIPv4 }.map { address($0, owner: target.target) }
        }
        return .found(answers: answers, additional: additional)
    }

    /// `<a-b-c-d>.<ns>.pod.<zone>` (IPv6: colons as dashes). Disabled: NXDOMAIN; insecure: any well-formed IP;
    /// verified: only IPs of pods in that namespace (CoreDNS's `pods` option).
    func podRecords(_ label: String, namespace: String) -> Lookup {
        guard config.podMode != .disabled else { return .nameError }
        let dashes = label.utf8.count(where: { $0 == UInt8(ascii: "-") })
        let text = dashes == 3 && !label.contains("--")
            ? label.replacingDashes(with: ".") : label.replacingDashes(with: ":")
        guard let ip = IPAddr(text) else { return .nameError }
        if config.podMode == .verified {
            guard snapshot.podIPs[DNSSnapshot.PodIP(namespace: namespace, ip: ip)] != nil else { return .nameError }
        }
        return found([address(ip)])
    }

    /// PTR for ClusterIPs and headless endpoints (spec 2.3.3 / 2.4.3).
    func ptrRecords(_ ip: IPAddr) -> Lookup {
        guard let target = snapshot.reverse[ip]?.first else { return .nameError }
        var labels = [target.key.name, target.key.namespace, "svc"]
        if let label = target.label { labels.insert(label, at: 0) }
        var targetName = config.zone
        for label in labels.reversed() {
            guard let longer = try? targetName.prepending(label.utf8) else { return .nameError }
            targetName = longer
        }
        return found([record(.ptr(targetName))])
    }
}

extension String {
    func replacingDashes(with separator: Character) -> String {
        String(map { $0 == "-" ? separator : $0 })
    }
}
