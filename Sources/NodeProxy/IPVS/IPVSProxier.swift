/// The ipvs dataplane (kube-proxy's IPVS mode, as far as virtual and real servers go): renders each sync with
/// `IPVSRenderer` and hands it to an `IPVSSink`, remembering per port what was programmed only once the sink
/// succeeded.
///
/// Not done, unlike Kubernetes: binding the virtual addresses to a dummy interface (kube-ipvs0) and the
/// iptables/ipset rules for masquerading and rejecting endpoint-less Services; the kernel here has no IPVS,
/// so the rules are compared as text (`IPVSDryRun`).
public actor IPVSProxier: Proxier {
    public nonisolated let mode = ProxyMode.ipvs
    public let renderer: IPVSRenderer
    private let sink: any IPVSSink
    private let clock = ContinuousClock()
    private var programmed: [ServicePortName: [IPVSVirtualServer: [IPVSRealServer]]] = [:]
    private var synced = false
    /// The distinct real servers of every port, summed as ports change (a report must not walk every port).
    private var endpointCount = 0

    public init(sink: any IPVSSink, options: IPVSOptions = .init()) {
        self.sink = sink
        renderer = IPVSRenderer(options: options)
    }

    public func sync(_ update: ProxyUpdate) async throws -> SyncReport {
        let start = clock.now
        var update = update
        if !synced { update.full = true }
        let transaction = renderer.render(update, programmed: programmed)
        do {
            try await sink.apply(transaction.text)
        } catch {
            synced = false
            throw error
        }
        if transaction.replacesAll { (programmed, endpointCount) = ([:], 0) }
        for (port, servers) in transaction.updates {
            endpointCount += (servers.map(Self.realServerCount) ?? 0) - (programmed[port].map(Self.realServerCount) ?? 0)
            programmed[port] = servers
        }
        synced = true
        return SyncReport(servicePorts: programmed.count, endpoints: endpointCount, rulesWritten: transaction.lines, duration: clock.now - start)
    }

    public func shutdown() async {}

    private static func realServerCount(_ servers: [IPVSVirtualServer: [IPVSRealServer]]) -> Int {
        Set(servers.values.flatMap { $0 }).count
    }
}
