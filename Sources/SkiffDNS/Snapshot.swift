import SkiffAPI

/// A slim, immutable view of the cluster for answering (CoreDNS's `object.Service`/`object.Endpoints` projections):
/// only what DNS needs, lowercased and indexed so every lookup is one dictionary access. Built off the query path
/// whenever the informers report a change; `serial` is a content hash, so it changes only when answers could.
public struct DNSSnapshot: Sendable {
    public struct ServiceKey: Hashable, Sendable {
        public let namespace: String
        public let name: String
        public init(namespace: String, name: String) {
            self.namespace = namespace.lowercased()
            self.name = name.lowercased()
        }
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

    public struct ServiceEntry: Equatable, Sendable {
        public let kind: Kind
        /// The Service's own ports (SRV for ClusterIP services).
        public let ports: [Port]
        /// Ready endpoints only (or all, with publishNotReadyAddresses), one per IP.
        public let endpoints: [Endpoint]
    }

    /// What a PTR points at: `<label>.<service>.<namespace>.svc.<zone>` or, without a label, the service name.
    struct PTRTarget: Equatable, Sendable {
        let label: String?
        let key: ServiceKey
    }

    public let isReady: Bool
    public let serial: UInt32
    public let services: [ServiceKey: ServiceEntry]
    let namespaces: Set<String>
    let reverse: [IPAddr: PTRTarget]
    let podIPs: [String: Set<IPAddr>]

    /// The snapshot before the first sync: every in-zone query gets SERVFAIL.
    public static let notReady = DNSSnapshot(
        isReady: false, serial: 0, services: [:], namespaces: [], reverse: [:], podIPs: [:])

    init(isReady: Bool, serial: UInt32, services: [ServiceKey: ServiceEntry], namespaces: Set<String>,
         reverse: [IPAddr: PTRTarget], podIPs: [String: Set<IPAddr>]) {
        self.isReady = isReady
        self.serial = serial
        self.services = services
        self.namespaces = namespaces
        self.reverse = reverse
        self.podIPs = podIPs
    }

    /// - Parameters:
    ///   - podIPs: pod IPs per namespace, for pod records in `verified` mode.
    ///   - namespaces: namespaces that exist; namespaces of services and pods are added.
    public init(services: [Service], endpointSlices: [EndpointSlice], podIPs: [String: [String]] = [:], namespaces: [String] = []) {
        var slicesByService: [ServiceKey: [EndpointSlice]] = [:]
        for slice in endpointSlices {
            guard let name = slice.metadata.labels?[EndpointSlice.serviceNameLabel], let namespace = slice.metadata.namespace
            else { continue }
            slicesByService[ServiceKey(namespace: namespace, name: name), default: []].append(slice)
        }
        var entries: [ServiceKey: ServiceEntry] = [:]
        var reverse: [IPAddr: PTRTarget] = [:]
        var allNamespaces = Set(namespaces.map { $0.lowercased() })
        for service in services {
            guard let name = service.metadata.name, let namespace = service.metadata.namespace else { continue }
            let key = ServiceKey(namespace: namespace, name: name)
            guard let entry = Self.entry(for: service, slices: slicesByService[key] ?? []) else { continue }
            entries[key] = entry
            allNamespaces.insert(key.namespace)
            switch entry.kind {
            case .clusterIP(let ips): for ip in ips { reverse[ip] = PTRTarget(label: nil, key: key) }
            case .headless: for endpoint in entry.endpoints { reverse[endpoint.ip] = PTRTarget(label: endpoint.label, key: key) }
            case .externalName: break
            }
        }
        var pods: [String: Set<IPAddr>] = [:]
        for (namespace, ips) in podIPs {
            pods[namespace.lowercased(), default: []].formUnion(ips.compactMap { IPAddr($0) })
            allNamespaces.insert(namespace.lowercased())
        }
        self.init(
            isReady: true, serial: Self.contentHash(entries, pods: pods, namespaces: allNamespaces), services: entries,
            namespaces: allNamespaces, reverse: reverse, podIPs: pods)
    }

    static func entry(for service: Service, slices: [EndpointSlice]) -> ServiceEntry? {
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
