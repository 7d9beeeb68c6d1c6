import Logging
import SkiffAPI

/// One sync of the dataplane: drain the tracker, re-project the changed Services from the caches into the
/// state, hand the proxier the changed ports, and commit them only once the proxier succeeded (a failed sync
/// keeps them pending and makes the next one full).
///
/// Split out of the controller so that it can be driven in tests from literal objects.
public actor ProxySyncer {
    public let proxier: any Proxier
    public let fullSyncPeriod: Duration
    private let clock = ContinuousClock()
    private let logger: Logger
    private(set) var state: ProxyState
    private var pending: Set<ServicePortName> = []
    private var needFull = true
    private var lastFull: ContinuousClock.Instant?
    /// What the dataplane holds after the last successful sync.
    public private(set) var programmed = ProgrammedState() {
        didSet { if programmed != oldValue { onProgrammed?(programmed) } }
    }
    /// Told what the dataplane holds after every sync that changed it (to report progress).
    private let onProgrammed: (@Sendable (ProgrammedState) -> Void)?
    private let metrics: ProxyMetrics?

    public init(nodeName: String, proxier: any Proxier, fullSyncPeriod: Duration = .seconds(3600), metrics: ProxyMetrics? = nil,
                logger: Logger = Logger(label: "skiff.node-proxy"), onProgrammed: (@Sendable (ProgrammedState) -> Void)? = nil) {
        self.onProgrammed = onProgrammed
        self.metrics = metrics
        state = ProxyState(nodeName: nodeName)
        self.proxier = proxier
        self.fullSyncPeriod = fullSyncPeriod
        self.logger = logger
    }

    /// Syncs `keys` as read from `source` at `revision` (the revision the caches are complete through).
    /// Returns false when the proxier failed.
    public func sync(keys: Set<ServiceKey>, source: some ProxySource, revision: Int64) async -> Bool {
        for key in keys {
            pending.formUnion(state.refresh(key, service: source.service(key), slices: source.slices(of: key)))
        }
        if let last = lastFull, clock.now - last >= fullSyncPeriod { needFull = true }
        let versions = state.resourceVersions
        guard needFull || !pending.isEmpty else {
            programmed.advance(to: revision, versions: versions)
            return true
        }
        let update = ProxyUpdate(snapshot: state.snapshot, changed: pending, full: needFull)
        do {
            let report = try await proxier.sync(update)
            logger.info("synced", metadata: [
                "mode": "\(proxier.mode.rawValue)", "full": "\(update.full)", "changed": "\(update.changed.count)",
                "servicePorts": "\(report.servicePorts)", "endpoints": "\(report.endpoints)",
                "rules": "\(report.rulesWritten)", "duration": "\(report.duration)",
            ])
            metrics?.record(report, full: update.full)
            if update.full { lastFull = clock.now }
            pending = []
            needFull = false
            programmed.advance(to: revision, versions: versions)
            programmed.lastReport = report
            return true
        } catch {
            metrics?.recordFailure()
            logger.error("sync failed; the next sync is full", metadata: ["mode": "\(proxier.mode.rawValue)", "error": "\(error)"])
            needFull = true
            return false
        }
    }
}

/// Where a sync reads Services and their slices: the informers' caches in the proxy, literals in tests.
public protocol ProxySource: Sendable {
    func service(_ key: ServiceKey) -> Service?
    func slices(of key: ServiceKey) -> [EndpointSlice]
}

/// What the dataplane holds: per Service, the resourceVersion programmed, and the store revision through which
/// every change has been programmed (for `skiffctl apply --wait`).
public struct ProgrammedState: Sendable, Equatable {
    public var revision: Int64 = 0
    public var services: [ServiceKey: String] = [:]
    public var lastReport: SyncReport?

    public init() {}

    mutating func advance(to revision: Int64, versions: [ServiceKey: String]) {
        self.revision = max(self.revision, revision)
        services = versions
    }
}
