import Logging
import SkiffAPI

/// One sync of the dataplane: drain the tracker, re-project the changed Services from the caches into the
/// state, hand the proxier the changed ports, and commit them only once the proxier succeeded (a failed sync
/// keeps them pending and makes the next one full).
///
/// Every step costs O(Services changed since the last sync), not O(all Services): the state is updated in
/// place, the programmed resourceVersions are patched with the changed ones, and `onProgrammed` is told only
/// those (a partial sync at 10,000 Services must not walk 10,000 of anything).
///
/// Split out of the controller so that it can be driven in tests from literal objects.
public actor ProxySyncer {
    public let proxier: any Proxier
    public let fullSyncPeriod: Duration
    private let clock = ContinuousClock()
    private let logger: Logger
    private(set) var state: ProxyState
    private var pending: Set<ServicePortName> = []
    /// Per Service refreshed since the last commit, its resourceVersion now (nil: gone).
    private var pendingVersions: [ServiceKey: String?] = [:]
    private var needFull = true
    private var lastFull: ContinuousClock.Instant?
    /// What the dataplane holds after the last successful sync.
    public private(set) var programmed = ProgrammedState()
    /// Told, after every sync that moved `programmed` forward, what moved (to report progress).
    private let onProgrammed: (@Sendable (ProgrammedChange) -> Void)?
    private let metrics: ProxyMetrics?

    public init(nodeName: String, proxier: any Proxier, fullSyncPeriod: Duration = .seconds(3600), metrics: ProxyMetrics? = nil,
                logger: Logger = Logger(label: "skiff.node-proxy"), onProgrammed: (@Sendable (ProgrammedChange) -> Void)? = nil) {
        self.onProgrammed = onProgrammed
        self.metrics = metrics
        state = ProxyState(nodeName: nodeName)
        self.proxier = proxier
        self.fullSyncPeriod = fullSyncPeriod
        self.logger = logger
    }

    /// The store revision through which every change is programmed (without copying `programmed` out).
    public var programmedRevision: Int64 { programmed.revision }

    /// Syncs `keys` as read from `source` at `revision` (the revision the caches are complete through).
    /// Returns false when the proxier failed.
    public func sync(keys: Set<ServiceKey>, source: some ProxySource, revision: Int64) async -> Bool {
        for key in keys {
            pending.formUnion(state.refresh(key, service: source.service(key), slices: source.slices(of: key)))
            pendingVersions.updateValue(state.resourceVersions[key], forKey: key)
        }
        if let last = lastFull, clock.now - last >= fullSyncPeriod { needFull = true }
        guard needFull || !pending.isEmpty else {
            commit(revision: revision)
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
            programmed.lastReport = report
            commit(revision: revision)
            return true
        } catch {
            metrics?.recordFailure()
            logger.error("sync failed; the next sync is full", metadata: ["mode": "\(proxier.mode.rawValue)", "error": "\(error)"])
            needFull = true
            return false
        }
    }

    /// Records the pending resourceVersions and `revision` as programmed and tells `onProgrammed` what moved.
    private func commit(revision: Int64) {
        var change = ProgrammedChange(revision: max(programmed.revision, revision))
        for (key, version) in pendingVersions where programmed.services[key] != version {
            programmed.services[key] = version
            if let version { change.changed[key] = version } else { change.removed.append(key) }
        }
        pendingVersions = [:]
        guard change.revision > programmed.revision || !change.changed.isEmpty || !change.removed.isEmpty else { return }
        programmed.revision = change.revision
        onProgrammed?(change)
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
}

/// What one sync moved in `ProgrammedState`: the Services now programmed at a new resourceVersion, those no
/// longer programmed, and the revision now reached. Only what changed, so reporting it costs O(changes).
public struct ProgrammedChange: Sendable, Equatable {
    public var revision: Int64
    public var changed: [ServiceKey: String] = [:]
    public var removed: [ServiceKey] = []

    public init(revision: Int64, changed: [ServiceKey: String] = [:], removed: [ServiceKey] = []) {
        self.revision = revision
        self.changed = changed
        self.removed = removed
    }
}
