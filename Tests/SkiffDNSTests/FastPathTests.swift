import SkiffAPI
@testable import SkiffDNS
import SkiffTesting
import Testing

/// `DNSFastPath` against the general path: whenever the fast path answers, its bytes are exactly
/// `DNSResponder.respond`'s for the same packet over the same snapshot; and it does answer the common queries.
@Suite struct FastPathTests {
    static let snapshot = DNSSnapshot(
        services: Fixture.services, endpointSlices: Fixture.slices, podIPs: ["default": ["10.244.1.5"]],
        namespaces: ["kube-system"], answering: Fixture.config)

    /// The fast answer to `packet`, or nil.
    static func fast(_ packet: [UInt8], snapshot: DNSSnapshot = snapshot, config: DNSConfig = Fixture.config) -> [UInt8]? {
        var out = [UInt8](repeating: 0xEE, count: DNSFastPath.maxResponseLength)
        let answered = packet.withUnsafeBytes { query in
            out.withUnsafeMutableBytes { DNSFastPath.respond(to: query, answers: snapshot.answers, advertisedPayload: config.maxUDPPayload, into: $0) }
        }
        return answered.map { Array(out[..<$0.length]) }
    }

    static func general(_ packet: [UInt8], snapshot: DNSSnapshot = snapshot) -> [UInt8]? {
        DNSResponder.respond(to: packet, over: .udp, snapshot: snapshot, config: Fixture.config)
    }

    static func packet(_ qname: String, _ type: DNSType, id: UInt16 = 0xBEEF, rd: Bool = true, cd: Bool = false,
                       edns: EDNS? = nil) -> [UInt8] {
        var header = DNSHeader(id: id, recursionDesired: rd)
        header.checkingDisabled = cd
        return DNSMessage(header: header, questions: [DNSQuestion(name: try! DNSName(qname), type: type)], edns: edns).serialize()
    }

    static let names = [
        "web.default.svc.cluster.local", "db.default.svc.cluster.local", "six.default.svc.cluster.local",
        "pair.default.svc.cluster.local", "pair-0.pair.default.svc.cluster.local", "empty.default.svc.cluster.local",
        "ext.default.svc.cluster.local", "_http._tcp.web.default.svc.cluster.local", "_pg._tcp.db.default.svc.cluster.local",
        "_web._tcp.pair.default.svc.cluster.local", "http._tcp.web.default.svc.cluster.local",
        "missing.default.svc.cluster.local", "default.svc.cluster.local", "cluster.local", "dns-version.cluster.local",
        "10-244-1-5.default.pod.cluster.local", "1.0.96.10.in-addr.arpa", "example.com",
    ]
    static let types: [DNSType] = [.a, .aaaa, .srv, .cname, .txt, .ptr, .any]

    static func cased(_ name: String, _ style: Int) -> String {
        switch style {
        case 1: name.uppercased()
        case 2: String(name.enumerated().map { $0.offset % 2 == 0 ? Character($0.element.uppercased()) : $0.element })
        default: name
        }
    }

    @Test(arguments: names)
    func fastAnswersEqualTheGeneralPath(_ name: String) {
        let ednsVariants: [EDNS?] = [nil, EDNS(udpPayloadSize: 4096), EDNS(udpPayloadSize: 512, dnssecOK: true),
                                     EDNS(udpPayloadSize: 4096, options: [0, 10, 0, 0]), EDNS(udpPayloadSize: 4096, version: 1)]
        for type in Self.types {
            for style in 0..<3 {
                for (index, edns) in ednsVariants.enumerated() {
                    let packet = Self.packet(Self.cased(name, style), type, id: UInt16(index * 7 + style), rd: style != 1,
                                             cd: index == 2, edns: edns)
                    guard let fast = Self.fast(packet) else { continue }
                    #expect(fast == Self.general(packet), "\(name) \(type) case \(style) edns \(index)")
                }
            }
        }
    }

    /// The queries a cluster mostly asks go the fast path (a test that would fail if it silently never fired).
    @Test(arguments: [
        ("web.default.svc.cluster.local", DNSType.a), ("WeB.Default.svc.cluster.local", .a), ("six.default.svc.cluster.local", .aaaa),
        ("pair-0.pair.default.svc.cluster.local", .a), ("_http._tcp.web.default.svc.cluster.local", .srv),
        ("_web._tcp.pair.default.svc.cluster.local", .srv), ("ext.default.svc.cluster.local", .a),
    ])
    func commonQueriesAreFast(_ name: String, _ type: DNSType) throws {
        for edns in [nil, EDNS(udpPayloadSize: 1232)] {
            let packet = Self.packet(name, type, edns: edns)
            let fast = try #require(Self.fast(packet), "\(name) \(type)")
            #expect(fast == Self.general(packet))
        }
    }

    /// What the fast path leaves to the general one: NODATA / NXDOMAIN (they carry the serial), an SRV name in
    /// mixed case (its targets repeat the query's case), EDNS options, other versions, several questions.
    @Test func unusualQueriesTakeTheGeneralPath() {
        #expect(Self.fast(Self.packet("web.default.svc.cluster.local", .aaaa)) == nil)
        #expect(Self.fast(Self.packet("missing.default.svc.cluster.local", .a)) == nil)
        #expect(Self.fast(Self.packet("_HTTP._tcp.web.default.svc.cluster.local", .srv)) == nil)
        #expect(Self.fast(Self.packet("web.default.svc.cluster.local", .a, edns: EDNS(udpPayloadSize: 1232, options: [0, 10, 0, 0]))) == nil)
        #expect(Self.fast(Self.packet("web.default.svc.cluster.local", .a, edns: EDNS(udpPayloadSize: 1232, version: 1))) == nil)
        let question = DNSQuestion(name: try! DNSName("web.default.svc.cluster.local"), type: .a)
        let two = DNSMessage(header: DNSHeader(id: 1), questions: [question, question]).serialize()
        #expect(Self.fast(two) == nil)
        var other = Self.packet("web.default.svc.cluster.local", .a)
        other[2] |= 0x10  // opcode 2
        #expect(Self.fast(other) == nil)
        // A table made for another config is not used by the server (`DNSSnapshotStore.Reader`); here: none at all.
        #expect(Self.fast(Self.packet("web.default.svc.cluster.local", .a), snapshot: Fixture.snapshot) == nil)
    }

    /// Random byte flips, truncations and extensions of fast-path queries: the fast path answers the general
    /// path's bytes or declines; it never answers differently or reads out of bounds.
    @Test(arguments: [1, 2, 3])
    func mutatedPacketsNeverDisagree(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let bases = [Self.packet("web.default.svc.cluster.local", .a), Self.packet("_http._tcp.web.default.svc.cluster.local", .srv),
                     Self.packet("pair-0.pair.default.svc.cluster.local", .a, edns: EDNS(udpPayloadSize: 1232))]
        for _ in 0..<3000 {
            var packet = bases[Int(random.next() % UInt64(bases.count))]
            for _ in 0..<(1 + random.next() % 3) {
                switch random.next() % 4 {
                case 0: packet[Int(random.next() % UInt64(packet.count))] ^= UInt8(truncatingIfNeeded: 1 << (random.next() % 8))
                case 1: packet.removeLast(Int(random.next() % UInt64(packet.count)))
                case 2: packet.append(UInt8(truncatingIfNeeded: random.next()))
                default: packet[Int(random.next() % UInt64(packet.count))] = UInt8(truncatingIfNeeded: random.next())
                }
                if packet.isEmpty { break }
            }
            guard let fast = Self.fast(packet) else { continue }
            #expect(fast == Self.general(packet), "\(packet)")
        }
    }

    /// The incremental builder keeps the table fresh: after every random change, each probe's fast answer (if any)
    /// is the general path's over the same snapshot, and most positive answers are fast.
    @Test(arguments: [7, 8])
    func tableFollowsIncrementalChanges(seed: UInt64) throws {
        let config = try DNSConfig()
        var world = RandomWorld(seed: seed)
        var builder = DNSSnapshotBuilder(answering: config)
        var fastCount = 0
        for step in 0..<150 {
            let change = world.step()
            for key in change.services {
                builder.update(service: key, to: world.services[key], slices: world.slices(of: key))
            }
            for pod in change.pods { builder.update(pod: pod, namespace: world.podNamespace(pod), ips: world.pods[pod] ?? []) }
            for namespace in change.namespaces { builder.update(namespace: namespace, exists: world.namespaces.contains(namespace)) }
            guard step % 10 == 9 else { continue }
            let snapshot = builder.snapshot
            for name in world.probeNames() {
                for type in [DNSType.a, .aaaa, .srv] {
                    let packet = Self.packet(name, type)
                    guard let fast = Self.fast(packet, snapshot: snapshot, config: config) else { continue }
                    fastCount += 1
                    #expect(fast == DNSResponder.respond(to: packet, over: .udp, snapshot: snapshot, config: config),
                            "seed \(seed) step \(step): \(name) \(type)")
                }
            }
        }
        #expect(fastCount > 0)
    }
}
