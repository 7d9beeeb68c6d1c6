import SkiffAPI
@testable import SkiffDNS
import Testing

/// One CoreDNS-style case: (qname, qtype) → rcode and records in zone-file text, compared sorted. `$SOA` in
/// `authority` stands for the zone SOA with the fixture's serial; `$RSOA4` for the in-addr.arpa one.
struct Case: Sendable, CustomTestStringConvertible {
    let name: String
    let qname: String
    let qtype: DNSType
    let rcode: DNSRcode
    var answer: [String] = []
    var authority: [String] = []
    var additional: [String] = []

    var testDescription: String { name }
}

enum Fixture {
    static func meta(_ name: String, _ namespace: String = "default", labels: [String: String]? = nil) -> ObjectMeta {
        ObjectMeta(name: name, namespace: namespace, labels: labels)
    }

    static func service(_ name: String, clusterIP: String?, ports: [ServicePort] = [], type: String? = nil) -> Service {
        Service(metadata: meta(name), spec: ServiceSpec(type: type, ports: ports, clusterIP: clusterIP))
    }

    static func slice(_ name: String, service: String, type: String = "IPv4", _ endpoints: [Endpoint], ports: [EndpointSlicePort] = []) -> EndpointSlice {
        EndpointSlice(
            metadata: meta(name, labels: [EndpointSlice.serviceNameLabel: service]), addressType: type, endpoints: endpoints, ports: ports)
    }

    static func endpoint(_ ip: String, ready: Bool? = true, hostname: String? = nil) -> Endpoint {
        Endpoint(addresses: [ip], conditions: EndpointConditions(ready: ready), hostname: hostname)
    }

    static var services: [Service] {
        var dual = service("dual", clusterIP: "10.96.0.11")
        dual.spec?.clusterIPs = ["10.96.0.11", "fd00::11"]
        var ext = service("ext", clusterIP: nil, type: Service.ServiceType.externalName)
        ext.spec?.externalName = "example.com"
        return [
            service("web", clusterIP: "10.96.0.10", ports: [
                ServicePort(name: "http", protocol: "TCP", port: 80), ServicePort(name: "dns", protocol: "UDP", port: 53),
                ServicePort(port: 8080),
            ]),
            dual, ext,
            service("db", clusterIP: "None", ports: [ServicePort(name: "pg", port: 5432)]),
            service("empty", clusterIP: "None"),
            service("six", clusterIP: "None"),
            service("pair", clusterIP: "None"),
        ]
    }

    static var slices: [EndpointSlice] {
        [
            slice("db-abc", service: "db", [
                endpoint("10.244.1.5", hostname: "db-0"), endpoint("10.244.1.6", ready: nil),
                endpoint("10.244.1.7", ready: false),
            ], ports: [EndpointSlicePort(name: "pg", protocol: "TCP", port: 5432)]),
            slice("empty-abc", service: "empty", [endpoint("10.244.2.1", ready: false)]),
            slice("six-abc", service: "six", type: "IPv6", [endpoint("fd00::5")]),
            slice("web-abc", service: "web", [endpoint("10.244.3.1")]),
            // Dual-stack: one pod, one slice per family, the same hostname.
            slice("pair-v4", service: "pair", [endpoint("10.244.4.1", hostname: "pair-0")],
                  ports: [EndpointSlicePort(name: "web", protocol: "TCP", port: 8080)]),
            slice("pair-v6", service: "pair", type: "IPv6", [endpoint("fd00::41", hostname: "pair-0")],
                  ports: [EndpointSlicePort(name: "web", protocol: "TCP", port: 8080)]),
        ]
    }

    static let snapshot = DNSSnapshot(
        services: services, endpointSlices: slices, podIPs: ["default": ["10.244.1.5"]], namespaces: ["kube-system"])

    static let config = try! DNSConfig(nameserverIPs: [IPAddr("10.96.0.53")!])

    static func soa(_ owner: String = "cluster.local.", serial: UInt32 = snapshot.serial) -> String {
        "\(owner) 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. \(serial) 7200 1800 86400 5"
    }

    static func query(_ qname: String, _ qtype: DNSType, id: UInt16 = 0x1234, edns: EDNS? = nil) -> [UInt8] {
        DNSMessage(header: DNSHeader(id: id, recursionDesired: true),
                   questions: [DNSQuestion(name: try! DNSName(qname), type: qtype)], edns: edns).serialize()
    }

    /// Sends `qname` through the whole responder (wire in, wire out) and parses the reply.
    static func ask(_ qname: String, _ qtype: DNSType, over transport: DNSTransport = .tcp, edns: EDNS? = nil,
                    snapshot: DNSSnapshot = snapshot, config: DNSConfig = config) throws -> DNSMessage {
        let bytes = try #require(DNSResponder.respond(to: query(qname, qtype, edns: edns), over: transport, snapshot: snapshot, config: config))
        return try DNSMessage(parsing: bytes)
    }

    static func check(_ row: Case, snapshot: DNSSnapshot = snapshot, config: DNSConfig = config) throws {
        let reply = try ask(row.qname, row.qtype, snapshot: snapshot, config: config)
        let expand = { (text: String) in
            text == "$SOA" ? soa(serial: snapshot.serial) : text == "$RSOA4" ? soa("in-addr.arpa.", serial: snapshot.serial) : text
        }
        #expect(reply.rcode == row.rcode)
        #expect(reply.answers.map(\.description).sorted() == row.answer.sorted())
        #expect(reply.authority.map(\.description).sorted() == row.authority.map(expand).sorted())
        #expect(reply.additional.map(\.description).sorted() == row.additional.sorted())
        #expect(reply.header.isResponse)
        #expect(reply.header.id == 0x1234)
        // Authoritative for every in-zone answer, whatever its rcode.
        let inZone = row.rcode != .refused && row.rcode != .servFail
        #expect(reply.header.authoritative == inZone)
    }
}
