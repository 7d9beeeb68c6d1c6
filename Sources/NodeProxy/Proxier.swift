/// What one sync asks of a dataplane: the full desired state, and which Service ports changed since the last
/// successful sync.
///
/// `full` is true for the first sync after start (the proxier must reconcile whatever it finds, e.g. rules left
/// by a previous run), after a failed sync, and periodically; a proxier may then rewrite everything. Otherwise
/// it should touch only `changed` (which includes ports that were removed: they are absent from the snapshot).
public struct ProxyUpdate: Sendable {
    public var snapshot: ProxySnapshot
    public var changed: Set<ServicePortName>
    public var full: Bool

    public init(snapshot: ProxySnapshot, changed: Set<ServicePortName>, full: Bool) {
        self.snapshot = snapshot
        self.changed = changed
        self.full = full
    }
}

/// What a sync did, for logs and metrics.
public struct SyncReport: Hashable, Sendable {
    public var servicePorts: Int
    public var endpoints: Int
    /// Rules (nftables statements, ipvsadm lines, listeners) written by this sync.
    public var rulesWritten: Int
    public var duration: Duration

    public init(servicePorts: Int, endpoints: Int, rulesWritten: Int, duration: Duration) {
        self.servicePorts = servicePorts
        self.endpoints = endpoints
        self.rulesWritten = rulesWritten
        self.duration = duration
    }
}

/// One dataplane back end (nftables, userspace, ipvs) behind one seam: kube-proxy's `Provider`.
///
/// `sync` is called by one task at a time, never concurrently. It must leave the dataplane matching
/// `update.snapshot` for every port in `update.changed` (all ports when `full`), or throw, in which case the
/// next sync is full. `shutdown` releases what the proxier holds (sockets); the nftables and ipvs proxiers keep
/// their rules so that traffic keeps flowing while the proxy restarts, as Kubernetes does.
public protocol Proxier: Sendable {
    /// nftables, userspace, ipvs.
    var mode: ProxyMode { get }
    func sync(_ update: ProxyUpdate) async throws -> SyncReport
    func shutdown() async
}

public enum ProxyMode: String, Sendable, CaseIterable {
    case nftables, userspace, ipvs
}
