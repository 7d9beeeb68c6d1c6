/// The nftables dataplane (kube-proxy's nftables mode): renders each sync with `NFTablesRenderer` and applies
/// it as one transaction through an `NFTablesBackend`.
///
/// It remembers, per Service port, what the last successful transaction programmed, and updates that memory
/// only after the backend succeeded: a failed apply changes nothing here, and the syncer's next (full) sync
/// reconciles. A full sync lists the table first, so chains and sets left by an earlier run are removed.
/// `shutdown` keeps the rules: traffic keeps flowing while the proxy restarts.
public actor NFTablesProxier: Proxier {
    public nonisolated let mode = ProxyMode.nftables
    public let renderer: NFTablesRenderer
    private let backend: any NFTablesBackend
    private let clock = ContinuousClock()
    private var programmed: [ServicePortName: NFTablesServiceRules] = [:]
    private var endpointCount = 0
    private var reconciled = false

    public init(backend: any NFTablesBackend = NFTCommand(), options: NFTablesOptions = .init()) {
        self.backend = backend
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
        if transaction.replacesAll { programmed = [:]; endpointCount = 0 }
        for (port, rules) in transaction.updates {
            endpointCount -= programmed[port]?.endpointCount ?? 0
            programmed[port] = rules
            endpointCount += rules?.endpointCount ?? 0
        }
        reconciled = true
        return SyncReport(servicePorts: programmed.count, endpoints: endpointCount,
                          rulesWritten: transaction.statements, duration: clock.now - start)
    }

    public func shutdown() async {}

    /// What the table holds per Service port, as far as this proxier knows (for tests and debugging).
    public var programmedPorts: [ServicePortName: NFTablesServiceRules] { programmed }
}
