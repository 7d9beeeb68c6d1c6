/// Settings for answering; the zone names are parsed once here so the query path only compares bytes.
public struct DNSConfig: Equatable, Sendable {
    public enum PodMode: Sendable { case disabled, insecure, verified }

    /// Lowercase cluster zone, e.g. `cluster.local.`.
    public let zone: DNSName
    public var ttl: UInt32
    public var podMode: PodMode
    /// The cap on the EDNS0 buffer size we honour over UDP, and the size we advertise (1232: DNS flag day 2020).
    public var maxUDPPayload: Int
    /// Addresses of `ns.dns.<zone>` (the DNS Service's ClusterIPs), answered at the apex NS and for that name.
    public var nameserverIPs: [IPAddr]
    /// Whether `in-addr.arpa` and `ip6.arpa` are answered here (as CoreDNS's default `kubernetes` block does).
    public var answersReverse: Bool

    let nameserver: DNSName
    let hostmaster: DNSName
    let dnsVersion: DNSName
    static let reverseV4 = try! DNSName("in-addr.arpa")
    static let reverseV6 = try! DNSName("ip6.arpa")

    public init(
        zone: String = "cluster.local", ttl: UInt32 = 5, podMode: PodMode = .disabled, maxUDPPayload: Int = 1232,
        nameserverIPs: [IPAddr] = [], answersReverse: Bool = true
    ) throws(DNSError) {
        let zone = try DNSName(zone).lowercased()
        self.zone = zone
        self.ttl = ttl
        self.podMode = podMode
        self.maxUDPPayload = min(max(maxUDPPayload, DNSMessage.maxUDPSizeWithoutEDNS), DNSMessage.maxTCPSize)
        self.nameserverIPs = nameserverIPs
        self.answersReverse = answersReverse
        nameserver = try zone.prepending("dns".utf8).prepending("ns".utf8)
        hostmaster = try zone.prepending("hostmaster".utf8)
        dnsVersion = try zone.prepending("dns-version".utf8)
    }
}
