/// Names of everything in the proxy's table, as Kubernetes' nftables mode names them (pkg/proxy/nftables).
///
/// All objects live in one table of our own, so they need no prefix. Per-Service objects are named
/// `PREFIX-HASH-ns/svc/proto/port` (endpoints add `__ip/port`): the hash keeps names unique when truncated and
/// tells apart chains that differ in one digit; the `/` (legal in nft names, never in Kubernetes names) marks a
/// chain as per-Service, which is how a full sync finds stale ones.
public enum NFTablesNames {
    public static let table = "skiff-proxy"

    // Base chains: "<type>-<hook>".
    static let filterInput = "filter-input"
    static let filterForward = "filter-forward"
    static let filterOutput = "filter-output"
    static let natPrerouting = "nat-prerouting"
    static let natOutput = "nat-output"
    static let natPostrouting = "nat-postrouting"

    // Regular chains jumped to from the base chains.
    static let services = "services"
    static let serviceEndpointsCheck = "service-endpoints-check"
    static let nodePortEndpointsCheck = "nodeport-endpoints-check"
    static let masquerading = "masquerading"
    static let markForMasquerade = "mark-for-masquerade"
    static let reject = "reject-chain"

    // Verdict maps.
    public static let serviceIPs = "service-ips"
    public static let serviceNodePorts = "service-nodeports"
    public static let noEndpointServices = "no-endpoint-services"
    public static let noEndpointNodePorts = "no-endpoint-nodeports"

    // Endpoint maps per protocol (`numgen . key : ip . port`, read by the pick chains) and the hairpin set (`ip . ip`).
    public static func serviceEndpoints(_ proto: TransportProtocol) -> String { "service-endpoints-\(proto.rawValue)" }
    public static func nodePortEndpoints(_ proto: TransportProtocol) -> String { "nodeport-endpoints-\(proto.rawValue)" }
    public static let hairpin = "hairpin"

    /// nft's limit on a name is 256 bytes (knftables' `NameLengthMax`); our longest prefix ("external-",
    /// "affinity-", "endpoint-") stays within 16, which leaves 240 for the hashed base.
    static let nameLengthMax = 256
    static let prefixLengthMax = 16
    static let baseLengthMax = nameLengthMax - prefixLengthMax

    /// `HASH-name`, cut to `baseLengthMax` with "..." when longer: the first 8 base32 characters of SHA-256(name).
    static func hashAndTruncate(_ name: String) -> String {
        let hash = String(SHA256.base32(SHA256.hash(Array(name.utf8))).prefix(8))
        let full = hash + "-" + name
        guard full.utf8.count > baseLengthMax else { return full }
        return String(full.utf8.prefix(baseLengthMax - 3))! + "..."
    }

    /// `HASH-ns/svc/tcp/port`. Namespace, Service and port names are at most 63 characters of [a-z0-9-], so
    /// this is at most 205 characters and never truncated.
    public static func serviceBase(_ port: ServicePortName) -> String {
        hashAndTruncate("\(port.namespace)/\(port.name)/\(port.protocol.rawValue)/\(port.port)")
    }

    /// `HASH-ns/svc/tcp/port__ip/port` (IPv6 colons become dots: colons are not allowed in names).
    public static func endpointBase(_ port: ServicePortName, _ endpoint: EndpointInfo) -> String {
        let ip = endpoint.ip.replacingColons()
        return hashAndTruncate("\(port.namespace)/\(port.name)/\(port.protocol.rawValue)/\(port.port)__\(ip)/\(endpoint.port)")
    }

    public static func clusterChain(_ port: ServicePortName) -> String { "service-" + serviceBase(port) }
    public static func localChain(_ port: ServicePortName) -> String { "local-" + serviceBase(port) }
    public static func externalChain(_ port: ServicePortName) -> String { "external-" + serviceBase(port) }
    public static func endpointChain(_ port: ServicePortName, _ endpoint: EndpointInfo) -> String { "endpoint-" + endpointBase(port, endpoint) }
    public static func affinitySet(_ port: ServicePortName, _ endpoint: EndpointInfo) -> String { "affinity-" + endpointBase(port, endpoint) }

    /// Per-Service chains carry a "/", pick chains start with "pick-"; the fixed chains do neither.
    static func isServiceChain(_ name: String) -> Bool { name.contains("/") }
    static func isPickChain(_ name: String) -> Bool { name.hasPrefix("pick-") }
    static func isAffinitySet(_ name: String) -> Bool { name.hasPrefix("affinity-") }
}

private extension String {
    func replacingColons() -> String { String(map { $0 == ":" ? "." : $0 }) }
}
