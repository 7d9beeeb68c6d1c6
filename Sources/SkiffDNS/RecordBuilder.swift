/// Pure record building over a `DNSSnapshot`, following the Kubernetes DNS spec 1.1.0 and CoreDNS's
/// plugin/kubernetes where the spec is silent. Lookups return a `Lookup`; `answer` alone turns it into an rcode, so
/// NXDOMAIN vs NODATA (both with the zone SOA) is decided in one place.
public enum RecordBuilder {
    /// The spec version served at `dns-version.<zone>`.
    public static let specVersion = "1.1.0"
    // SOA timers as CoreDNS sets them (plugin/kubernetes, `Serial`/`MinTTL` aside).
    static let soaRefresh: UInt32 = 7200
    static let soaRetry: UInt32 = 1800
    static let soaExpire: UInt32 = 86400

    enum Lookup: Equatable {
        case found(answers: [ResourceRecord], additional: [ResourceRecord])
        /// The name exists but has no records of the asked type.
        case noData
        /// The name does not exist (CoreDNS's errNoItems / errInvalidRequest).
        case nameError
    }

    public static func answer(_ question: DNSQuestion, snapshot: DNSSnapshot, config: DNSConfig) -> DNSAnswer {
        guard question.qclass == DNSClass.internet || question.qclass == DNSClass.any else { return DNSAnswer(rcode: .refused) }
        // Zone transfers are not offered.
        guard question.type != .axfr && question.type != .ixfr else { return DNSAnswer(rcode: .refused) }
        let query = QueryName.parse(question.name, config: config)
        // Forwarding is a later layer; without it, names we are not authoritative for are refused.
        guard query != .outOfZone else { return DNSAnswer(rcode: .refused) }
        // Before the first sync we cannot tell a missing name from one not seen yet.
        guard snapshot.isReady else { return DNSAnswer(rcode: .servFail) }
        let context = Context(name: question.name, type: question.type, snapshot: snapshot, config: config)
        switch context.lookup(query) {
        case .found(let answers, let additional):
            return DNSAnswer(rcode: .noError, authoritative: true, answers: answers, additional: additional)
        case .noData:
            return DNSAnswer(rcode: .noError, authoritative: true, authority: [context.soa()])
        case .nameError:
            return DNSAnswer(rcode: .nxDomain, authoritative: true, authority: [context.soa()])
        }
    }

    /// One question's inputs, so the record helpers need no long parameter lists.
    struct Context {
        let name: DNSName
        let type: DNSType
        let snapshot: DNSSnapshot
        let config: DNSConfig

        func record(_ data: RData, owner: DNSName? = nil) -> ResourceRecord {
            ResourceRecord(name: owner ?? name, ttl: config.ttl, data: data)
        }

        func address(_ ip: IPAddr, owner: DNSName? = nil) -> ResourceRecord {
            record(ip.isIPv4 ? .a(ip) : .aaaa(ip), owner: owner)
        }

        /// Records at a name that exists: the ones of the asked type, or NODATA.
        func found(_ records: [ResourceRecord], additional: [ResourceRecord] = []) -> Lookup {
            let matching = records.filter { $0.type == type }
            return matching.isEmpty ? .noData : .found(answers: matching, additional: additional)
        }

        /// The SOA of the zone the name is in: the cluster zone, or `in-addr.arpa` / `ip6.arpa` for reverse names.
        /// Its owner keeps the query's case, as CoreDNS keeps it for the zone.
        func soa() -> ResourceRecord {
            let lower = name.lowercased()
            var zoneLabels = config.zone.labelCount
            for zone in [DNSConfig.reverseV4, DNSConfig.reverseV6] where QueryName.labelsBelow(lower, zone: zone) != nil {
                zoneLabels = zone.labelCount
            }
            let owner = name.droppingFirst(name.labelCount - zoneLabels)
            let data = SOAData(
                mname: config.nameserver, rname: config.hostmaster, serial: snapshot.serial, refresh: RecordBuilder.soaRefresh,
                retry: RecordBuilder.soaRetry, expire: RecordBuilder.soaExpire, minimum: config.ttl)
            return record(.soa(data), owner: owner)
        }

        func lookup(_ query: QueryName) -> Lookup {
            switch query {
            case .apex:
                let additional = config.nameserverIPs.map { address($0, owner: config.nameserver) }
                return found([soa(), record(.ns(config.nameserver))], additional: type == .ns ? additional : [])
            case .dnsVersion:
                return found([record(.txt([Array(RecordBuilder.specVersion.utf8)]))])
            case .nameserver:
                return config.nameserverIPs.isEmpty ? .nameError : found(config.nameserverIPs.map { address($0) })
            case .kindRoot, .reverseNonTerminal:
                return .noData
            case .namespaceOnly(let namespace, _):
                return snapshot.namespaces[namespace] != nil ? .noData : .nameError
            case .service(let service, let namespace):
                return serviceRecords(DNSSnapshot.ServiceKey(namespace: namespace, name: service))
            case .endpoint(let hostname, let service, let namespace):
                return endpointRecords(hostname, DNSSnapshot.ServiceKey(namespace: namespace, name: service))
            case .srv(let port, let proto, let service, let namespace):
                return srvRecords(port: port, proto: proto, DNSSnapshot.ServiceKey(namespace: namespace, name: service))
            case .pod(let label, let namespace):
                return podRecords(label, namespace: namespace)
            case .reverse(let ip):
                return ptrRecords(ip)
            case .invalid, .outOfZone:
                return .nameError
            }
        }
    }
}
