import SkiffAPI

/// Keeps the zone up to date one object at a time: each change rebuilds only the records of the Service (or
/// Namespace, or Pod) it touched with the pure `DNSSnapshot.entry(for:slices:)`, then patches the indexes (names,
/// PTRs, namespaces, pod IPs) and the content serial by removing the old entry's share and adding the new one's.
///
/// The tables are `ShardedMap`s shared with every snapshot taken, so taking `snapshot` is O(1) and the next change
/// copies only the shards it writes. Nothing here is O(all Services): a change costs O(its own records + 256).
/// The result equals `DNSSnapshot(services:endpointSlices:podIPs:namespaces:)` over the same final objects,
/// whatever the order of the changes (checked by `SnapshotBuilderTests`).
public struct DNSSnapshotBuilder: Sendable {
    private var services = ShardedMap<DNSSnapshot.ServiceKey, DNSSnapshot.ServiceEntry>()
    /// Responses made ahead of time for the UDP fast path (empty without a config).
    var answers: DNSAnswerTable
    private var namespaces = ShardedMap<String, Int>()
    private var reverse = ShardedMap<IPAddr, [DNSSnapshot.PTRTarget]>()
    private var podIPs = ShardedMap<DNSSnapshot.PodIP, Int>()
    private var endpointCount = 0
    private var serialSum: UInt64 = 0
    /// Builder-only bookkeeping (never shared with a snapshot, so changed in place): each Pod's namespace and IPs,
    /// and the Namespace objects that exist.
    private var pods: [String: DNSSnapshot.PodIP.Group] = [:]
    private var namespaceObjects: Set<String> = []

    /// - Parameter config: when given, the snapshots carry a `DNSAnswerTable` made for it (the server's config),
    ///   which lets `DNSFastPath` answer the common queries without allocating.
    public init(answering config: DNSConfig? = nil) {
        answers = DNSAnswerTable(config: config)
    }

    /// The zone as it is now, ready to answer.
    public var snapshot: DNSSnapshot {
        DNSSnapshot(isReady: true, serial: DNSSnapshot.serial(fromSum: serialSum), services: services, endpointCount: endpointCount,
                    namespaces: namespaces, reverse: reverse, podIPs: podIPs, answers: answers)
    }

    public var serviceCount: Int { services.count }

    /// Replaces the records of the Service at `key` with those built from `service` (nil: deleted) and `slices`
    /// (its EndpointSlices). Returns whether any answer can have changed.
    @discardableResult
    public mutating func update(service key: DNSSnapshot.ServiceKey, to service: Service?, slices: [EndpointSlice]) -> Bool {
        let new = service.flatMap { DNSSnapshot.entry(for: $0, slices: slices) }
        let old = services[key]
        guard old != new else { return false }
        if let old { unindex(key, old) }
        if let new { index(key, new) }
        services[key] = new
        refreshAnswers(key, old: old, new: new)
        return true
    }

    /// Records whether the Namespace object `name` exists (an existing namespace answers NODATA, not NXDOMAIN).
    @discardableResult
    public mutating func update(namespace name: String, exists: Bool) -> Bool {
        let name = name.lowercased()
        if exists {
            guard namespaceObjects.insert(name).inserted else { return false }
            retainNamespace(name)
        } else {
            guard namespaceObjects.remove(name) != nil else { return false }
            releaseNamespace(name)
        }
        return true
    }

    /// Records the IPs of the Pod `key` (`namespace/name`) in `namespace`; no IPs: the Pod is gone or has none.
    /// Unparsable IPs are ignored.
    @discardableResult
    public mutating func update(pod key: String, namespace: String, ips: [String]) -> Bool {
        let new = DNSSnapshot.PodIP.Group(namespace: namespace.lowercased(), ips: Set(ips.compactMap { IPAddr($0) }))
        let old = pods[key] ?? DNSSnapshot.PodIP.Group(namespace: new.namespace, ips: [])
        guard old != new else { return false }
        for ip in old.ips where old.namespace != new.namespace || !new.ips.contains(ip) {
            releasePodIP(DNSSnapshot.PodIP(namespace: old.namespace, ip: ip))
        }
        for ip in new.ips where old.namespace != new.namespace || !old.ips.contains(ip) {
            retainPodIP(DNSSnapshot.PodIP(namespace: new.namespace, ip: ip))
        }
        pods[key] = new.ips.isEmpty ? nil : new
        return true
    }

    // MARK: - Indexes

    private mutating func index(_ key: DNSSnapshot.ServiceKey, _ entry: DNSSnapshot.ServiceEntry) {
        retainNamespace(key.namespace)
        for claim in Self.claims(key, entry) {
            reverse.update(claim.ip) { targets in
                var list = targets ?? []
                let at = list.firstIndex { claim.target < $0 } ?? list.endIndex
                list.insert(claim.target, at: at)
                targets = list
            }
        }
        endpointCount += entry.endpoints.count
        serialSum &+= DNSSnapshot.contentHash(key, entry)
    }

    private mutating func unindex(_ key: DNSSnapshot.ServiceKey, _ entry: DNSSnapshot.ServiceEntry) {
        for claim in Self.claims(key, entry) {
            reverse.update(claim.ip) { targets in
                guard var list = targets, let at = list.firstIndex(of: claim.target) else { return }
                list.remove(at: at)
                targets = list.isEmpty ? nil : list
            }
        }
        endpointCount -= entry.endpoints.count
        serialSum &-= DNSSnapshot.contentHash(key, entry)
        releaseNamespace(key.namespace)
    }

    /// The PTRs a Service's entry asks for: its ClusterIPs, or its endpoints' IPs with their labels.
    private static func claims(_ key: DNSSnapshot.ServiceKey, _ entry: DNSSnapshot.ServiceEntry) -> [(ip: IPAddr, target: DNSSnapshot.PTRTarget)] {
        switch entry.kind {
        case .clusterIP(let ips): ips.map { ($0, DNSSnapshot.PTRTarget(label: nil, key: key)) }
        case .headless: entry.endpoints.map { ($0.ip, DNSSnapshot.PTRTarget(label: $0.label, key: key)) }
        case .externalName: []
        }
    }

    private mutating func retainNamespace(_ name: String) {
        let added = namespaces.update(name) { count -> Bool in
            count = (count ?? 0) + 1
            return count == 1
        }
        if added { serialSum &+= DNSSnapshot.contentHash(namespace: name) }
    }

    private mutating func releaseNamespace(_ name: String) {
        let removed = namespaces.update(name) { count -> Bool in
            let left = (count ?? 1) - 1
            count = left > 0 ? left : nil
            return left <= 0
        }
        if removed { serialSum &-= DNSSnapshot.contentHash(namespace: name) }
    }

    private mutating func retainPodIP(_ pod: DNSSnapshot.PodIP) {
        let added = podIPs.update(pod) { count -> Bool in
            count = (count ?? 0) + 1
            return count == 1
        }
        guard added else { return }
        serialSum &+= DNSSnapshot.contentHash(pod)
        retainNamespace(pod.namespace)
    }

    private mutating func releasePodIP(_ pod: DNSSnapshot.PodIP) {
        let removed = podIPs.update(pod) { count -> Bool in
            let left = (count ?? 1) - 1
            count = left > 0 ? left : nil
            return left <= 0
        }
        guard removed else { return }
        serialSum &-= DNSSnapshot.contentHash(pod)
        releaseNamespace(pod.namespace)
    }
}

extension DNSSnapshot.PodIP {
    /// One Pod's IPs, in its namespace.
    struct Group: Equatable, Sendable {
        let namespace: String
        let ips: Set<IPAddr>
    }
}
