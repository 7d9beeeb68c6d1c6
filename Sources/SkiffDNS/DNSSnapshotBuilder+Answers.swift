/// Keeps the snapshot's `DNSAnswerTable` in step with the Services: a changed Service drops the responses of its old
/// entry and makes those of its new one, through the general path (`DNSResponder`) over the builder's current zone.
extension DNSSnapshotBuilder {
    /// Above this many endpoints a headless Service's answers do not fit 512 bytes anyway (an A record takes 16), so
    /// its names are left to the general path; this also keeps a change to a large Service cheap (no response per
    /// endpoint).
    static let maxEndpointsAnswered = 24

    /// The (name, qtypes) a Service's entry answers positively with data of its own: its name (A, AAAA), its named
    /// ports (SRV), and a headless Service's endpoint names (A, AAAA).
    static func answerNames(_ key: DNSSnapshot.ServiceKey, _ entry: DNSSnapshot.ServiceEntry, zone: DNSName) -> [(DNSName, [DNSType])] {
        guard entry.endpoints.count <= maxEndpointsAnswered,
              let service = try? zone.prepending("svc".utf8).prepending(key.namespace.utf8).prepending(key.name.utf8) else { return [] }
        var result: [(DNSName, [DNSType])] = [(service, [.a, .aaaa])]
        var ports = entry.ports
        if entry.kind == .headless {
            var labels: Set<String> = []
            for endpoint in entry.endpoints {
                ports += endpoint.ports
                if labels.insert(endpoint.label).inserted, let name = try? service.prepending(endpoint.label.utf8) {
                    result.append((name, [.a, .aaaa]))
                }
            }
        }
        var srvNames: Set<DNSName> = []
        for port in ports {
            guard let portName = port.name,
                  let name = try? service.prepending("_\(port.proto)".utf8).prepending("_\(portName)".utf8),
                  srvNames.insert(name).inserted else { continue }
            result.append((name, [.srv]))
        }
        return result
    }

    /// Drops the responses `old` made and makes those of the Service at `key` as it is now (`services[key]`).
    mutating func refreshAnswers(_ key: DNSSnapshot.ServiceKey, old: DNSSnapshot.ServiceEntry?, new: DNSSnapshot.ServiceEntry?) {
        guard let config = answers.config else { return }
        if let old {
            for (name, types) in Self.answerNames(key, old, zone: config.zone) {
                for type in types {
                    let key = Self.answerKey(name, type)
                    answers.remove(key: key, hash: DNSAnswerTable.hash(key: key))
                }
            }
        }
        guard let new else { return }
        let zone = snapshot
        for (name, types) in Self.answerNames(key, new, zone: config.zone) {
            guard Self.ownsName(QueryName.parse(name, config: config), key) else { continue }
            for type in types {
                guard let entry = Self.answerEntry(name, type, zone: zone, config: config) else { continue }
                answers.insert(entry, hash: DNSAnswerTable.hash(key: entry.key))
            }
        }
    }

    static func answerKey(_ name: DNSName, _ type: DNSType) -> [UInt8] {
        name.wire + [UInt8(type.rawValue >> 8), UInt8(type.rawValue & 0xFF)]
    }

    /// Whether the name reads (with this config) as one of `key`'s own names, whose answers only `key`'s entry
    /// decides.
    static func ownsName(_ query: QueryName, _ key: DNSSnapshot.ServiceKey) -> Bool {
        switch query {
        case .service(let name, let namespace), .endpoint(_, let name, let namespace), .srv(_, _, let name, let namespace):
            DNSSnapshot.ServiceKey(namespace: namespace, name: name) == key
        default: false
        }
    }

    /// The general path's response to a canonical query (id 0, no flags, class IN, no EDNS), if it is one the table
    /// keeps: NOERROR, answers, no authority, room for an OPT record within 512 bytes.
    static func answerEntry(_ name: DNSName, _ type: DNSType, zone: DNSSnapshot, config: DNSConfig) -> DNSAnswerTable.Entry? {
        func respond(_ wire: [UInt8]) -> [UInt8]? {
            let query = [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0] + wire + [UInt8(type.rawValue >> 8), UInt8(type.rawValue & 0xFF), 0, 1]
            return DNSResponder.respond(to: query, over: .udp, snapshot: zone, config: config)
        }
        guard let response = respond(name.wire), response.count >= DNSMessage.headerLength,
              response[3] & 0x0F == 0, response[2] & 0x02 == 0, response[6] | response[7] != 0, response[8] | response[9] == 0,
              response.count + DNSFastPath.optLength <= DNSFastPath.maxResponseLength
        else { return nil }
        // The same query in upper case: if only the question differs, any case can copy its question in. Only SRV
        // answers repeat the name outside the question (their targets); the others point to it, so they need no check.
        guard type == .srv else { return DNSAnswerTable.Entry(key: answerKey(name, type), response: response, caseFree: true) }
        let upper = name.wire.map { $0 >= 0x61 && $0 <= 0x7A ? $0 & ~0x20 : $0 }
        let questionEnd = DNSMessage.headerLength + name.wire.count
        let caseFree = respond(upper).map { other in
            other.count == response.count && other[..<DNSMessage.headerLength] == response[..<DNSMessage.headerLength]
                && other[questionEnd...] == response[questionEnd...]
        } ?? false
        return DNSAnswerTable.Entry(key: answerKey(name, type), response: response, caseFree: caseFree)
    }
}
