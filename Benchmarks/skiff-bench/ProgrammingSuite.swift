import Foundation
import SkiffAPI
import SkiffMessaging

/// The Service programming-latency benchmark of issue 8: from `apply` to "answers in DNS and programmed on every
/// node". Real processes in `make up`'s default topology (loopback): an apiserver, the endpoints-controller, the
/// coredns-controller, and `nodes` nodes, each a kubelet and a userspace kube-proxy with its default
/// --min-sync-period. The cluster runs `podsPerNode` Pods per node (the kubelet's built-in server), labelled into
/// `groups` groups with one Pod of each group on every node; every Service selects one group, so each has
/// `nodes` ready endpoints and the endpoints-controller writes an Endpoints and an EndpointSlice for it, as for a
/// new Service in front of a running Deployment. (A Pod per Service, 33,000 of them, would not run on 2 cores.)
///
/// `preload` Services are applied in batches of 500 and the cluster is let converge; then `services` more are
/// applied one per request at `rate` per second (open loop: a slow reply does not delay the next request), and
/// for each one the bench records the reply, its EndpointSlice, its first DNS answer over UDP, and the first time
/// the coredns-controller's and each kube-proxy's Lease reported its revision (what `apply --wait` waits for).
struct ProgrammingSuite {
    let bin: String
    var preload = 10_000
    var services = 1_000
    var rate = 100
    var nodes = 3
    var podsPerNode = 10
    var groups = 10
    /// kube-proxy's --min-sync-period; empty: its default (100 ms), as `make up` runs it.
    var proxyMinSyncPeriod = ""
    /// Away from `make up`'s 127.96.0.0/16 and the end-to-end tests' 127.100-199.0.0/24.
    let serviceCIDR = "127.80.0.0/16"

    func run() async throws {
        let sync = proxyMinSyncPeriod.isEmpty ? "" : ", kube-proxy --min-sync-period \(proxyMinSyncPeriod)"
        print("## Service programming latency (issue 8): \(services) Services at \(rate)/s into \(preload), \(nodes) nodes\(sync)\n")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skiff-programming-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await APIServerProcess.start(bin: bin, extraArguments: ["--service-cidr", serviceCIDR])
        defer { server.stop() }
        let cluster = try ProgrammingCluster(bin: bin, server: server.endpoint, directory: directory, nodes: nodes,
                                             proxyArguments: proxyMinSyncPeriod.isEmpty ? [] : ["--min-sync-period", proxyMinSyncPeriod])
        defer { cluster.stop() }
        let connection = try Connection(endpoint: server.endpoint)
        defer { connection.close() }
        let client = try APIClient(config: APIClientConfig(server: server.endpoint, timeout: .seconds(60)))
        defer { client.close() }

        let setup = ContinuousClock.now
        try await waitUntil("\(nodes) Ready nodes", timeout: .seconds(60)) {
            try cluster.checkRunning()
            return try await client.list(Node.self, namespace: nil).items.filter(\.isReady).count == nodes
        }
        try await apply(connection, items: podItems())
        try await waitUntil("\(nodes * podsPerNode) ready Pods", timeout: .seconds(120)) {
            try cluster.checkRunning()
            return try await client.list(Pod.self, namespace: "default").items.filter(\.isReady).count == nodes * podsPerNode
        }
        let observer = try ProgrammingObserver(connection: connection, dnsPort: cluster.dns.port)
        defer { observer.stop() }
        try await apply(connection, items: (0..<preload).map { serviceItem("pre-\($0)") })
        let applied = ContinuousClock.now
        try await converge(observer, client: client, cluster: cluster, last: "pre-\(preload - 1)")
        print(String(format: "Setup: Pods ready, %d Services applied in %.1f s, every component caught up %.1f s later.\n",
                     preload, (applied - setup).seconds, (ContinuousClock.now - applied).seconds))

        let before = (load: loadAverage(), cpu: cluster.cpuSeconds(server: server), at: ContinuousClock.now, histograms: cluster.histogramTotals())
        let sent = try await applyPaced(connection, observer: observer)
        let complete = try await waitForAll(sent, observer: observer, cluster: cluster)
        let after = (load: loadAverage(), cpu: cluster.cpuSeconds(server: server), at: ContinuousClock.now, histograms: cluster.histogramTotals())
        ProgrammingReport(sent: sent, observer: observer, nodes: cluster.nodeNames, complete: complete).print()
        print("Load average before / after the run: \(before.load) / \(after.load).\n")
        let wall = (after.at - before.at).seconds
        print("CPU during the run (\(String(format: "%.1f", wall)) s wall, % of one core): " + after.cpu.map { name, seconds in
            String(format: "%@ %.0f%%", name, (seconds - (before.cpu.first { $0.name == name }?.seconds ?? 0)) / wall * 100)
        }.joined(separator: ", ") + String(format: "; RSS MiB: apiserver %.0f, coredns-controller %.0f.\n", server.rssMiB(), cluster.dns.rssMiB()))
        print("coredns-controller's and kube-proxy node-1's histograms during the run (observations, mean):\n\n```\n"
              + ProgrammingCluster.histogramDeltas(from: before.histograms, to: after.histograms).joined(separator: "\n") + "\n```\n")
    }

    /// The preloaded Services have their slices, DNS answers the last one, and every Lease has caught up with
    /// the store (slices included).
    private func converge(_ observer: ProgrammingObserver, client: APIClient, cluster: ProgrammingCluster, last: String) async throws {
        try await waitUntil("\(preload) EndpointSlices with ready endpoints", timeout: .seconds(900)) {
            try cluster.checkRunning()
            return observer.slicesSeen >= preload
        }
        observer.dns.expect(last)
        try await waitUntil("DNS to answer \(last)", timeout: .seconds(300)) { observer.dns.answered(last) != nil }
        guard let revision = Int64(try await client.discover().revision) else { throw BenchError("discovery without a revision") }
        try await waitUntil("every Lease at revision \(revision)", timeout: .seconds(300)) {
            try cluster.checkRunning()
            return cluster.leaseNames.allSatisfy { observer.leaseRevision($0) >= revision }
        }
    }

    /// Applies `services` Services, one per request, at `rate` per second; returns each one's request and reply.
    private func applyPaced(_ connection: Connection, observer: ProgrammingObserver) async throws -> [ProgrammingReport.Applied] {
        let results = Locked([ProgrammingReport.Applied]())
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<services {
                try await Task.sleep(until: start + .microseconds(index * 1_000_000 / rate), clock: .continuous)
                let name = "svc-\(index)"
                observer.dns.expect(name)
                group.addTask {
                    let body = #"{"apiVersion":"v1","kind":"List","items":[\#(serviceItem(name))]}"#
                    let sent = ContinuousClock.now
                    let response = try await connection.call(Request(verb: .apply, resource: "", namespace: "default", body: Data(body.utf8)), timeout: .seconds(30))
                    let replied = ContinuousClock.now
                    guard response.code == 200, let object = try APIClient.decodeApplyResults(response.body).first?.object,
                          let revision = object.metadata.resourceVersion.flatMap({ Int64($0) })
                    else { throw BenchError("apply \(name): \(response.code) \(String(decoding: response.body, as: UTF8.self).prefix(300))") }
                    results.withLock { $0.append(.init(name: name, sent: sent, replied: replied, revision: revision)) }
                }
            }
            try await group.waitForAll()
        }
        return results.withLock { $0 }
    }

    /// Waits until every applied Service is answered by DNS, has its slice, and every Lease reached both; false
    /// when some never did within a minute (the report then counts them as missing).
    private func waitForAll(_ sent: [ProgrammingReport.Applied], observer: ProgrammingObserver, cluster: ProgrammingCluster) async throws -> Bool {
        do {
            try await waitUntil("every Service served", timeout: .seconds(60)) {
                try cluster.checkRunning()
                guard observer.dns.pendingCount == 0 else { return false }
                let newest = sent.map { max($0.revision, observer.slice(of: $0.name)?.revision ?? .max) }.max() ?? 0
                return cluster.leaseNames.allSatisfy { observer.leaseRevision($0) >= newest }
            }
            return true
        } catch let error as BenchError {
            Swift.print("warning: \(error.description); reporting what was seen")
            return false
        }
    }

    private func serviceItem(_ name: String) -> String {
        let group = (Int(name.split(separator: "-").last ?? "") ?? 0) % groups
        return #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"\#(name)","namespace":"default"},"spec":{"selector":{"app":"group-\#(group)"},"ports":[{"name":"http","port":80,"targetPort":"http"}]}}"#
    }

    /// Pod j runs on node j % nodes in group j % groups: with 10 groups of 3 Pods on 3 nodes, each group has one
    /// Pod on every node.
    private func podItems() -> [String] {
        (0..<nodes * podsPerNode).map { index in
            #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"pod-\#(index)","namespace":"default","labels":{"app":"group-\#(index % groups)"}},"spec":{"nodeName":"node-\#(index % nodes + 1)","containers":[{"name":"server","ports":[{"name":"http","containerPort":8080}]}]}}"#
        }
    }

    private func apply(_ connection: Connection, items: [String]) async throws {
        for start in stride(from: 0, to: items.count, by: 500) {
            let body = #"{"apiVersion":"v1","kind":"List","items":["# + items[start..<min(start + 500, items.count)].joined(separator: ",") + "]}"
            let response = try await connection.call(Request(verb: .apply, resource: "", namespace: "default", body: Data(body.utf8)), timeout: .seconds(120))
            guard response.code == 200 else { throw BenchError("apply: \(response.code) \(String(decoding: response.body, as: UTF8.self).prefix(300))") }
        }
    }
}
