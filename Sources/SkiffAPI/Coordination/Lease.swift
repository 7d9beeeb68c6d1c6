import Foundation

/// coordination.k8s.io/v1 Lease: a small, often-renewed record of who holds something and since when.
///
/// As in Kubernetes, each kubelet renews a Lease named after its node in `kube-node-lease` (its heartbeat), and
/// each node-local or cluster component keeps one in `kube-system` (`coredns-controller`, `kube-proxy-<node>`).
/// Skiff's components also write, in the `skiff.dev/programmed-revision` annotation, the store revision through
/// which they have acted on every change: `skiffctl apply --wait` waits on it.
public struct Lease: APIObject {
    public static let resource = ResourceInfo(kind: "Lease", plural: "leases", group: "coordination.k8s.io", namespaced: true, hasStatus: false)
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: LeaseSpec?

    public init(metadata: ObjectMeta, spec: LeaseSpec? = LeaseSpec()) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.spec = spec
    }

    /// The annotation holding the revision a component has acted on.
    public static let programmedRevisionAnnotation = "skiff.dev/programmed-revision"
    /// The namespace of node heartbeats.
    public static let nodeLeaseNamespace = "kube-node-lease"

    /// The programmed revision the holder reported, 0 when none.
    public var programmedRevision: Int64 { metadata.annotations?[Self.programmedRevisionAnnotation].flatMap { Int64($0) } ?? 0 }
}

public struct LeaseSpec: Codable, Sendable, Equatable {
    public var holderIdentity: String?
    public var leaseDurationSeconds: Int?
    public var acquireTime: MicroTime?
    public var renewTime: MicroTime?
    public var leaseTransitions: Int?

    public init(holderIdentity: String? = nil, leaseDurationSeconds: Int? = nil, acquireTime: MicroTime? = nil, renewTime: MicroTime? = nil) {
        self.holderIdentity = holderIdentity
        self.leaseDurationSeconds = leaseDurationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
    }
}

/// A point in time with microseconds ("2026-11-27T01:10:00.123456Z"), as Kubernetes' metav1.MicroTime.
public struct MicroTime: Codable, Sendable, Equatable, Hashable, Comparable {
    public var date: Date

    public init(_ date: Date) { self.date = date }
    public static func now() -> MicroTime { MicroTime(Date()) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = Timestamp.parse(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected an RFC 3339 time such as 2026-11-27T01:10:00.123456Z, got \"\(text)\"")
        }
        self.date = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rfc3339)
    }

    public var rfc3339: String { RFC3339.string(date, fractionDigits: 6) }

    public static func < (lhs: MicroTime, rhs: MicroTime) -> Bool { lhs.date < rhs.date }
}
