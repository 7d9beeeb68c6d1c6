import SkiffAPI

/// A slim, immutable view of the cluster for answering (CoreDNS's `object.Service`/`object.Endpoints` projections):
/// only what DNS needs, lowercased and indexed so every lookup is one table access. Made by a `DNSSnapshotBuilder`
/// off the query path, which changes only the Services that changed and shares everything else with the previous
/// snapshot (`ShardedMap`); `serial` is a content hash, so it changes only when answers could.
public struct DNSSnapshot: Equatable, Sendable {
    public struct ServiceKey: Hashable, Comparable, Sendable, CustomStringConvertible {
        public let namespace: String
        public let name: String
        public init(namespace: String, name: String) {
            self.namespace = namespace.lowercased()
            self.name = name.lowercased()
        }

        public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name) }

        /// `namespace/name`.
        public var description: String { "\(namespace)/\(name)" }
    }

    public struct Port: Equatable, Sendable {
        /// Lowercased port name; unnamed ports get no SRV records.
        public let name: String?
        /// Lowercased protocol (`tcp`, `udp`, `sctp`).
        public let proto: String
        public let port: UInt16
    }

    public struct Endpoint: Equatable, Sendable {
        public let ip: IPAddr
        /// The endpoint's hostname, else its dashed IP (`10-244-1-5`): the first label of its A record.
        public let label: String
        public let ports: [Port]
    }

    public enum Kind: Equatable, Sendable {
        case clusterIP([IPAddr])
        case headless
        case externalName(DNSName)
    }

    /// One Service's records, built from the Service and its EndpointSlices alone (`entry(for:slices:)`).
    public struct ServiceEntry: Equatable, Sendable {
        public let kind: Kind
        /// The Service's own ports (SRV for ClusterIP services).
        public let ports: [Port]
        /// Ready endpoints only (or all, with publishNotReadyAddresses), one per IP.
        public let endpoints: [Endpoint]
    }

    /// What a PTR points at: `<label>.<service>.<namespace>.svc.<zone>` or, without a label, the service name.
    /// Ordered so that a ClusterIP (no label) comes before an endpoint, then by service and label: when several
    /// Services claim one IP (two headless Services selecting the same Pod), the first is answered, whatever order
    /// the Services arrived in.
    struct PTRTarget: Comparable, Sendable {
        let label: String?
        let key: ServiceKey

        static func < (lhs: Self, rhs: Self) -> Bool {
            if (lhs.label == nil) != (rhs.label == nil) { return lhs.label == nil }
            if lhs.key != rhs.key { return lhs.key < rhs.key }
            return (lhs.label ?? "") < (rhs.label ?? "")
        }
    }

    /// A pod IP in a namespace, for pod records in `verified` mode.
    struct PodIP: Hashable, Sendable {
        let namespace: String
        let ip: IPAddr
    }

    public let isReady: Bool
    public let serial: UInt32
    public let services: ShardedMap<ServiceKey, ServiceEntry>
    /// Ready endpoints over all Services (a metric).
    public let endpointCount: Int
    /// Namespace -> how many things make it exist (its Namespace object, its Services, its distinct pod IPs).
    let namespaces: ShardedMap<String, Int>
    /// IP -> every claim on it, sorted; the first is answered.
    let reverse: ShardedMap<IPAddr, [PTRTarget]>
    /// (namespace, pod IP) -> how many Pods have it.
    let podIPs: ShardedMap<PodIP, Int>
    /// Responses made ahead of time for `DNSFastPath` (derived from `services`, so not part of `==`).
    public let answers: DNSAnswerTable

    /// The snapshot before the first sync: every in-zone query gets SERVFAIL.
    public static let notReady = DNSSnapshot(
        isReady: false, serial: 0, services: ShardedMap(), endpointCount: 0, namespaces: ShardedMap(), reverse: ShardedMap(),
        podIPs: ShardedMap(), answers: DNSAnswerTable(config: nil))

    init(isReady: Bool, serial: UInt32, services: ShardedMap<ServiceKey, ServiceEntry>, endpointCount: Int,
         namespaces: ShardedMap<String, Int>, reverse: ShardedMap<IPAddr, [PTRTarget]>, podIPs: ShardedMap<PodIP, Int>,
         answers: DNSAnswerTable) {
        self.isReady = isReady
        self.serial = serial
        self.services = services
        self.endpointCount = endpointCount
        self.namespaces = namespaces
        self.reverse = reverse
        self.podIPs = podIPs
        self.answers = answers
    }

    /// Same answers: the same entries, names, PTR claims and pod IPs (how many objects hold a namespace or a pod
    /// IP is bookkeeping, not content).
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.isReady == rhs.isReady && lhs.serial == rhs.serial && lhs.endpointCount == rhs.endpointCount
            && lhs.services == rhs.services && lhs.reverse == rhs.reverse
            && Set(lhs.namespaces.keys) == Set(rhs.namespaces.keys) && Set(lhs.podIPs.keys) == Set(rhs.podIPs.keys)
    }

    /// The whole zone at once (tests, and the reference the incremental builder is checked against).
    /// - Parameters:
    ///   - podIPs: pod IPs per namespace, for pod records in `verified` mode.
    ///   - namespaces: namespaces that exist; namespaces of services and pods are added.
    ///   - config: when given, the snapshot carries a `DNSAnswerTable` for it (the UDP fast path).
    public init(services: [Service], endpointSlices: [EndpointSlice], podIPs: [String: [String]] = [:], namespaces: [String] = [],
                answering config: DNSConfig? = nil) {
        var slicesByService: [ServiceKey: [EndpointSlice]] = [:]
        for slice in endpointSlices {
            guard let name = slice.metadata.labels?[EndpointSlice.serviceNameLabel], let namespace = slice.metadata.namespace
            else { continue }
            slicesByService[ServiceKey(namespace: namespace, name: name), default: []].append(slice)
        }
        var latest: [ServiceKey: Service] = [:]
        for service in services {
            guard let name = service.metadata.name, let namespace = service.metadata.namespace else { continue }
            latest[ServiceKey(namespace: namespace, name: name)] = service
        }
        var builder = DNSSnapshotBuilder(answering: config)
        for (key, service) in latest { builder.update(service: key, to: service, slices: slicesByService[key] ?? []) }
        for namespace in namespaces { builder.update(namespace: namespace, exists: true) }
        for (namespace, ips) in podIPs { builder.update(pod: "\(namespace)/", namespace: namespace, ips: ips) }
        self = builder.snapshot
    }

    /// One Service's records from the Service and its slices; nil when it has none (an ExternalName that is not a
    /// domain name).
    public static func entry(for service: Service, slices: [EndpointSlice]) -> ServiceEntry? {
        let ports = (service.spec?.ports ?? []).compactMap { port(name: $0.name, proto: $0.protocol, number: $0.port) }
        if service.serviceType == Service.ServiceType.externalName {
            guard let text = service.spec?.externalName, let target = try? DNSName(text) else { return nil }
            return ServiceEntry(kind: .externalName(target), ports: [], endpoints: [])
        }
        if service.isHeadless {
            let publishNotReady = service.spec?.publishNotReadyAddresses ?? false
            return ServiceEntry(kind: .headless, ports: ports, endpoints: endpoints(slices, publishNotReady: publishNotReady))
        }
        let texts = service.spec?.clusterIPs ?? service.spec?.clusterIP.map { [$0] } ?? []
        return ServiceEntry(kind: .clusterIP(texts.compactMap { IPAddr($0) }), ports: ports, endpoints: [])
    }

    static func port(name: String?, proto: String?, number: Int?) -> Port? {
        guard let number, let value = UInt16(exactly: number) else { return nil }
        let name = name.flatMap { $0.isEmpty ? nil : $0.lowercased() }
        return Port(name: name, proto: (proto ?? "TCP").lowercased(), port: value)
    }

    /// Kubernetes reads a missing `ready` condition as ready. Slices overlap while they are being resharded, so each
    /// IP is kept once, from the first slice (in name order) that lists it.
    static func endpoints(_ slices: [EndpointSlice], publishNotReady: Bool) -> [Endpoint] {
        var seen: Set<IPAddr> = []
        var result: [Endpoint] = []
        for slice in slices.sorted(by: { ($0.metadata.name ?? "") < ($1.metadata.name ?? "") }) {
            guard slice.addressType == "IPv4" || slice.addressType == "IPv6" else { continue }
            let ports = (slice.ports ?? []).compactMap { port(name: $0.name, proto: $0.protocol, number: $0.port) }
            for endpoint in slice.endpoints where publishNotReady || endpoint.conditions?.ready ?? true {
                for address in endpoint.addresses {
                    guard let ip = IPAddr(address), seen.insert(ip).inserted else { continue }
                    let hostname = endpoint.hostname.flatMap { $0.isEmpty ? nil : $0.lowercased() }
                    result.append(Endpoint(ip: ip, label: hostname ?? ip.dashed, ports: ports))
                }
            }
        }
        return result
    }
}
