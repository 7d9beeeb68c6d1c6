import SkiffMessaging

/// How an `EndpointsSyncer` runs; the defaults are kube-controller-manager's.
public struct EndpointsSyncerOptions: Sendable {
    /// Keys reconciled at once (--concurrent-endpoint-syncs is 5 in Kubernetes; Skiff's flag defaults to 4).
    public var workers = 4
    /// Pod, Endpoints and slice events wait this long in the queue, so a burst of them for one Service becomes
    /// one reconcile (--endpoint-updates-batch-period). Zero: enqueue at once. Service events never wait.
    public var batchPeriod: Duration = .zero
    /// How soon a key whose last writes the caches do not show yet is looked at again (its own watch events
    /// usually enqueue it sooner).
    public var staleRetry: Duration = .milliseconds(50)
    public var reconciler = EndpointsReconcilerOptions()
    public var informer = InformerOptions()

    public init() {}
}

/// What the controller did since it started: for tests and benchmarks (writes per change).
public struct EndpointsSyncerStatistics: Sendable, Equatable {
    /// Reconciles that computed a plan (stale skips not counted).
    public var syncs = 0
    /// Syncs whose plan was empty: nothing written.
    public var unchanged = 0
    /// Reconciles put off because the caches did not show this controller's last writes yet.
    public var staleSkips = 0
    public var creates = 0
    public var updates = 0
    public var deletes = 0
    /// Writes refused with 409 or 404 (a stale cache), each followed by a retry.
    public var conflicts = 0
    /// Writes that failed otherwise (the apiserver away, invalid objects).
    public var failures = 0

    public init() {}

    /// Successful writes of Endpoints and slices.
    public var writes: Int { creates + updates + deletes }
}
