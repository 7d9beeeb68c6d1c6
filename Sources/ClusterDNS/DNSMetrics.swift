import CoreMetrics
import SkiffDNS

/// The cluster DNS metrics, made once through swift-metrics (served by SkiffMetrics' Prometheus registry when the
/// process bootstrapped it). Every counter the query path touches exists up front, indexed by small integers, so
/// counting a query costs two atomic increments and no allocation or string.
///
/// - `skiff_dns_queries_total{transport, qtype}`: queries answered or forwarded; qtype is A, AAAA, SRV, PTR, TXT,
///   CNAME, SOA, NS, ANY, AXFR, IXFR or other;
/// - `skiff_dns_responses_total{rcode}`: NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, REFUSED or other;
/// - `skiff_dns_dropped_total{transport}`: packets that got no answer (not a query, shorter than a header);
/// - `skiff_dns_programming_latency_seconds`: from a change event's arrival to the snapshot with it swapped in;
/// - `skiff_dns_rebuild_duration_seconds`: building one snapshot from the caches;
/// - `skiff_dns_services`, `skiff_dns_endpoints`: what the current snapshot holds.
public final class DNSMetrics: Sendable {
    static let qtypes: [(code: UInt16, label: String)] = [
        (1, "A"), (28, "AAAA"), (33, "SRV"), (12, "PTR"), (16, "TXT"), (5, "CNAME"), (6, "SOA"), (2, "NS"),
        (255, "ANY"), (252, "AXFR"), (251, "IXFR"),
    ]
    static let rcodes = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"]

    /// [transport * (qtypes + 1) + qtype index]; the last index of each transport is "other".
    private let queries: [Counter]
    /// [rcode]; the last index is "other".
    private let responses: [Counter]
    private let dropped: [Counter]
    public let programmingLatency: Timer
    public let rebuildDuration: Timer
    public let services: Gauge
    public let endpoints: Gauge

    public init() {
        var queries: [Counter] = []
        for transport in ["udp", "tcp"] {
            for label in Self.qtypes.map(\.label) + ["other"] {
                queries.append(Counter(label: "skiff_dns_queries_total", dimensions: [("transport", transport), ("qtype", label)]))
            }
        }
        self.queries = queries
        responses = (Self.rcodes + ["other"]).map { Counter(label: "skiff_dns_responses_total", dimensions: [("rcode", $0)]) }
        dropped = ["udp", "tcp"].map { Counter(label: "skiff_dns_dropped_total", dimensions: [("transport", $0)]) }
        programmingLatency = Timer(label: "skiff_dns_programming_latency_seconds", preferredDisplayUnit: .seconds)
        rebuildDuration = Timer(label: "skiff_dns_rebuild_duration_seconds", preferredDisplayUnit: .seconds)
        services = Gauge(label: "skiff_dns_services")
        endpoints = Gauge(label: "skiff_dns_endpoints")
    }

    /// Counts one query and its response (nil: dropped). Reads the qtype and rcode straight from the bytes.
    func record(query packet: [UInt8], response: [UInt8]?, over transport: DNSTransport) {
        let transportIndex = transport == .udp ? 0 : 1
        guard let response, response.count >= DNSMessage.headerLength else {
            dropped[transportIndex].increment()
            return
        }
        queries[transportIndex * (Self.qtypes.count + 1) + Self.qtypeIndex(packet)].increment()
        record(response: response)
    }

    /// Counts one query answered by `DNSFastPath` (always NOERROR), from its qtype code alone.
    func record(fastQtype code: UInt16, over transport: DNSTransport) {
        let transportIndex = transport == .udp ? 0 : 1
        let index = Self.qtypes.firstIndex { $0.code == code } ?? Self.qtypes.count
        queries[transportIndex * (Self.qtypes.count + 1) + index].increment()
        responses[0].increment()
    }

    /// Counts a response by its rcode (also used for answers relayed from the upstream).
    func record(response: [UInt8]) {
        guard response.count >= DNSMessage.headerLength else { return }
        let rcode = Int(response[3] & 0x0F)
        responses[rcode < Self.rcodes.count ? rcode : Self.rcodes.count].increment()
    }

    /// The index of the first question's type in `qtypes` (`qtypes.count`: other or unreadable), without parsing
    /// the message: skip the header and the name's labels.
    static func qtypeIndex(_ packet: [UInt8]) -> Int {
        var offset = DNSMessage.headerLength
        while offset < packet.count {
            let length = Int(packet[offset])
            if length == 0 { break }
            if length & 0xC0 != 0 { return qtypes.count }
            offset += 1 + length
        }
        guard offset + 2 < packet.count else { return qtypes.count }
        let code = UInt16(packet[offset + 1]) << 8 | UInt16(packet[offset + 2])
        return qtypes.firstIndex { $0.code == code } ?? qtypes.count
    }
}
