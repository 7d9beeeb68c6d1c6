/// The nftables dataplane (kube-proxy's nftables mode): renders each sync with `NFTablesRenderer` and applies
/// it as one transaction through an `NFTablesBackend`.
///
/// It remembers, per Service port, what the last successful transaction programmed, and updates that memory
/// only after the backend succeeded: a failed apply changes nothing here, and the syncer's next (full) sync
/// reconciles. A full sync lists the table first, so chains and sets left by an earlier run are removed.
/// `shutdown` keeps the rules: traffic keeps flowing while the proxy restarts.
public actor NFTablesProxier: Proxier {
    public nonisolated let mode = ProxyMode.nftables
    public nonisolated let renderer: NFTablesRenderer
    private let backend: any NFTablesBackend
    private let clock = ContinuousClock()
    private var programmed = NFTablesState()
    private var reconciled = false

    /// The default backend is libnftables in-process (`NFTLibrary`: no fork+exec, no wait for an RCU grace period
    /// after deletes), or the `nft` command where the library cannot be loaded.
    public init(backend: (any NFTablesBackend)? = nil, options: NFTablesOptions = .init()) {
        self.backend = backend ?? NFTLibrary() ?? NFTCommand()
        renderer = NFTablesRenderer(options: options)
    }

    public func sync(_ update: ProxyUpdate) async throws -> SyncReport {
        let start = clock.now
        var update = update
        // Until one full sync has succeeded, nothing is known about the table: reconcile it whole.
        if !reconciled { update.full = true }
        let transaction: NFTablesTransaction
        do {
            let existing = update.full ? try await backend.list(table: renderer.options.table) : nil
            transaction = renderer.render(update, programmed: programmed, existing: existing)
            try await backend.run(transaction.text)
        } catch {
            reconciled = false
            throw error
        }
        programmed.apply(transaction)
        reconciled = true
        return SyncReport(servicePorts: programmed.ports.count, endpoints: programmed.endpointCount,
                          rulesWritten: transaction.statements, duration: clock.now - start)
    }

    public func shutdown() async {}

    /// What the table holds per Service port, as far as this proxier knows (for tests and debugging).
    public var programmedPorts: [ServicePortName: NFTablesServiceRules] { programmed.ports }
}
