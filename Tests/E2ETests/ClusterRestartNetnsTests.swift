import Foundation
import SkiffAPI
import SkiffMessaging
import Testing

/// The whole cluster in the namespace topology (root only), three nodes, every component a real process (see
/// `NetnsCluster`): the example app from manifests/ is applied, its name resolves with dig and its ClusterIP
/// answers from every Pod from inside every node; deleting a Pod stops its traffic. Then, while a traffic loop
/// curls the ClusterIP and digs the name from every node, each component in turn is SIGKILLed, kept down for a
/// few rounds of traffic, and started again; after each restart, within a deadline, the DNS answers, every Ready
/// Pod answers through the ClusterIP from every node, and a change made after the restart (a new Service and Pod
/// on the restarted node; the previous round's Pod deleted) is served everywhere.
///
/// Kubernetes' behaviour is asserted for the traffic: the dataplane (nftables rules, the Pods' processes) does not
/// depend on the control plane, so killing the apiserver, a controller, a kube-proxy or a kubelet fails no
/// request through the ClusterIP; only the DNS, which has one replica here, may fail while it is down. A restarted
/// kubelet adopts its Pods' running processes: the same processes, no second copy, no restart counted.
@Suite(.serialized) struct ClusterRestartNetnsTests {
    static let manifests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("manifests").path

    @Test func everyComponentRestartsWithoutBreakingTraffic() async throws {
        if let reason = ClusterTopology.unavailableReason {
            print("skipped: the namespace-topology restart test \(reason)")
            return
        }
        let began = ContinuousClock.now
        let topology = try ClusterTopology(nodes: 3)
        let cluster = try NetnsCluster(topology: topology)
        for pod in ["default/ent-1", "default/ent-2", "shop/cart-1", "default/ent-3", "default/doomed"] { topology.track(pod: pod) }
        do {
            try await scenario(cluster)
        } catch {
            print("the cluster's logs:\n\(cluster.logTails())\n\(cluster.podState())")
            throw error
        }
        print("the whole test took \(ContinuousClock.now - began)")
    }

    private func scenario(_ cluster: NetnsCluster) async throws {
        let topology = cluster.topology
        let nodes = topology.nodes
        try await cluster.startAll()

        // The example app, as a user applies it.
        try await apply(cluster, ["-f", Self.manifests])
        try await waitForReadyPods(cluster, ["default/ent-1", "default/ent-2", "shop/cart-1"])
        let ent = try #require(try await cluster.client.get(Service.self, namespace: "default", name: "ent").spec?.clusterIP)
        let cart = try #require(try await cluster.client.get(Service.self, namespace: "shop", name: "cart").spec?.clusterIP)
        let name = "ent.default.svc.cluster.local"
        for node in nodes {
            #expect(await topology.dig(from: node, name) == [ent], "dig \(name) from \(node)")
            #expect(await topology.dig(from: node, "cart.shop.svc.cluster.local") == [cart], "dig cart from \(node)")
        }
        try await expectEveryReadyPodAnswers(cluster, clusterIP: ent, app: "ent")

        // Scale: a third replica on the last node, then one of the first two goes; its traffic stops.
        try await apply(cluster, ["-f", try cluster.harness.write("ent-3.yaml", Self.pod("ent-3", app: "ent", node: nodes[2]))])
        try await waitForReadyPods(cluster, ["default/ent-3"])
        try await expectEveryReadyPodAnswers(cluster, clusterIP: ent, app: "ent")
        #expect(await cluster.harness.skiffctl(["delete", "pod", "ent-1"]).status == 0)
        try await expectPodGetsNoTraffic(topology, clusterIP: ent, pod: "ent-1")
        try await expectEveryReadyPodAnswers(cluster, clusterIP: ent, app: "ent")

        // Chaos: each component in turn, with traffic flowing.
        let ent2Node = try #require(try await cluster.client.get(Pod.self, namespace: "default", name: "ent-2").spec?.nodeName)
        let kubeletNode = try #require(nodes.firstIndex(of: ent2Node)) + 1
        let traffic = TrafficLoop(topology: topology, clusterIP: ent, name: name, bodyPrefix: "ent-")
        try await traffic.waitForRounds(2, since: .now, nodes: nodes)
        var outages: [(component: ClusterComponent, window: ClosedRange<ContinuousClock.Instant>)] = []
        var previous: (service: String, clusterIP: String)?
        for (round, component) in [ClusterComponent.apiserver, .endpointsController, .dnsController, .kubeProxy(1), .kubelet(kubeletNode)].enumerated() {
            let node = switch component {
            case .kubeProxy(let n), .kubelet(let n): n
            default: round % nodes.count + 1
            }
            let isKubelet = component == .kubelet(node)
            if isKubelet {
                // A Pod deleted while its kubelet is down: the kubelet must stop it when it is back.
                try await apply(cluster, ["-f", try cluster.harness.write("doomed.yaml", Self.pod("doomed", app: "doomed", node: nodes[node - 1]))])
                try await waitForReadyPods(cluster, ["default/doomed"])
            }
            let before = cluster.podProcesses(node: node).filter { $0.key != "doomed" }
            let statusBefore = try await cluster.client.list(Pod.self, namespace: nil).items
                .filter { $0.spec?.nodeName == nodes[node - 1] && $0.name != "doomed" }
            let killed = ContinuousClock.now
            try await cluster.kill(component)
            if isKubelet { #expect(await cluster.harness.skiffctl(["delete", "pod", "doomed"]).status == 0) }
            // Down for two rounds of traffic from every node, so that the loop has really run through the outage.
            try await traffic.waitForRounds(2, since: .now, nodes: nodes)
            try await cluster.start(component)
            let restarted = ContinuousClock.now

            try await waitUntilHealthy(cluster, clusterIP: ent, name: name, app: "ent")
            if isKubelet {
                try await expectPodsAdopted(cluster, node: node, before: before, statusBefore: statusBefore)
                try await expectPodStopped(cluster, "doomed", node: node)
            }
            previous = try await expectChangeIsServed(cluster, round: round, node: node, previous: previous)
            outages.append((component, killed...ContinuousClock.now))
            print("restart \(component): down \(restarted - killed), serving again after \(ContinuousClock.now - restarted)")
        }
        await traffic.stop()

        let samples = traffic.samples
        let failed = samples.filter { !$0.ok }
        for sample in failed {
            let during = outages.filter { sample.overlaps($0.window) }.map(\.component)
            let allowed = sample.kind == .dns && during.contains(.dnsController)
            #expect(allowed, "\(sample.kind) from \(sample.node) failed during \(during.isEmpty ? "no outage" : "\(during)"): \(sample.detail)")
        }
        for outage in outages {
            let inWindow = samples.filter { outage.window.contains($0.start) }
            print("  \(outage.component): \(inWindow.count) requests, \(inWindow.filter { !$0.ok }.count) failed")
            #expect(inWindow.filter { $0.kind == .http }.count >= 2 * nodes.count, "too little traffic during \(outage.component)'s restart")
        }
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
        print("traffic: \(samples.count) requests, \(failed.count) failed (load average \(load))")

        for failure in try await cluster.stopAll() { Issue.record("\(failure)") }
        #expect(topology.podProcesses().isEmpty, "Pod processes left after the kubelets stopped: \(topology.podProcesses())")
        #expect(topology.podNamespaces().isEmpty, "Pod namespaces left after the kubelets stopped: \(topology.podNamespaces())")
    }

    // MARK: - Scenario steps

    /// A Pod with the built-in server on port 8080 ("http"), probed every second.
    static func pod(_ name: String, app: String, node: String? = nil) -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: \(name), labels: {app: \(app)}}
        spec:
          \(node.map { "nodeName: \($0)" } ?? "")
          containers:
          - name: server
            ports: [{name: http, containerPort: 8080}]
            readinessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 1}
        """
    }

    static func service(_ name: String, app: String) -> String {
        """
        apiVersion: v1
        kind: Service
        metadata: {name: \(name)}
        spec:
          selector: {app: \(app)}
          ports: [{name: http, port: 80, targetPort: http}]
        """
    }

    private func apply(_ cluster: NetnsCluster, _ arguments: [String]) async throws {
        let result = await cluster.harness.skiffctl(["apply"] + arguments)
        try #require(result.status == 0, "skiffctl apply \(arguments): \(result.stdout)\(result.stderr)")
    }

    private func waitForReadyPods(_ cluster: NetnsCluster, _ keys: [String], timeout: Duration = .seconds(30)) async throws {
        try await waitUntil("\(keys) are Ready", timeout: timeout) {
            try cluster.checkRunning()
            let pods = (try? await cluster.client.list(Pod.self, namespace: nil).items) ?? []
            let ready = Set(pods.filter(\.isReady).map { "\($0.namespace)/\($0.name)" })
            return ready.isSuperset(of: keys)
        }
    }

    /// From every node, requests to `clusterIP` until each Ready, not terminating Pod labelled app=`app` has
    /// answered, and nothing else.
    private func expectEveryReadyPodAnswers(_ cluster: NetnsCluster, clusterIP: String, app: String, timeout: Duration = .seconds(20)) async throws {
        let pods = try await cluster.client.list(Pod.self, namespace: "default", labelSelector: "app=\(app)").items
        let expected = Set(pods.filter { $0.isReady && $0.metadata.deletionTimestamp == nil }.map(\.name))
        for node in cluster.nodeNames {
            var seen: Set<String> = []
            var failure = ""
            do {
                try await waitUntil("every Ready \(app) Pod \(expected.sorted()) answers on \(clusterIP) from \(node)", timeout: timeout, poll: .milliseconds(1)) {
                    let answer = await cluster.topology.curl(from: node, "http://\(clusterIP)/")
                    if answer.status == 0 { seen.insert(String(answer.body.prefix { $0 != " " })) } else { failure = "curl \(answer.status): \(answer.body)" }
                    return seen.isSuperset(of: expected)
                }
            } catch {
                throw HarnessError("\(error) (answered: \(seen.sorted()); last failure: \(failure))")
            }
            #expect(seen == expected, "from \(node): answers from \(seen.sorted()), Ready Pods \(expected.sorted())")
        }
    }

    /// From every node: 10 answers in a row that do not come from `pod`.
    private func expectPodGetsNoTraffic(_ topology: ClusterTopology, clusterIP: String, pod: String) async throws {
        for node in topology.nodes {
            var streak = 0
            try await waitUntil("\(pod) gets no traffic from \(node)", timeout: .seconds(20), poll: .milliseconds(1)) {
                let answer = await topology.curl(from: node, "http://\(clusterIP)/")
                streak = answer.status == 0 && !answer.body.hasPrefix("\(pod) ") ? streak + 1 : 0
                return streak >= 10
            }
        }
    }

    /// The DNS answers the name from every node and every Ready Pod answers through the ClusterIP from every node.
    private func waitUntilHealthy(_ cluster: NetnsCluster, clusterIP: String, name: String, app: String) async throws {
        for node in cluster.nodeNames {
            try await waitUntil("\(name) resolves from \(node)", timeout: .seconds(20)) {
                try cluster.checkRunning()
                return await cluster.topology.dig(from: node, name) == [clusterIP]
            }
        }
        try await expectEveryReadyPodAnswers(cluster, clusterIP: clusterIP, app: app)
    }

    /// A new Service and Pod (on node `node`) answer by name and ClusterIP from every node; the previous round's
    /// Pod is deleted and its Service then refuses connections (no endpoints) from every node.
    private func expectChangeIsServed(_ cluster: NetnsCluster, round: Int, node: Int,
                                      previous: (service: String, clusterIP: String)?) async throws -> (service: String, clusterIP: String) {
        let name = "round-\(round)"
        cluster.topology.track(pod: "default/\(name)")
        let manifest = Self.service(name, app: name) + "\n---\n" + Self.pod(name, app: name, node: cluster.nodeNames[node - 1])
        try await apply(cluster, ["-f", try cluster.harness.write("\(name).yaml", manifest)])
        let ip = try #require(try await cluster.client.get(Service.self, namespace: "default", name: name).spec?.clusterIP)
        for from in cluster.nodeNames {
            try await waitUntil("\(name) resolves and answers from \(from)", timeout: .seconds(30)) {
                try cluster.checkRunning()
                guard await cluster.topology.dig(from: from, "\(name).default.svc.cluster.local") == [ip] else { return false }
                return await cluster.topology.curl(from: from, "http://\(ip)/").body.hasPrefix("\(name) ")
            }
        }
        if let previous {
            #expect(await cluster.harness.skiffctl(["delete", "pod", previous.service]).status == 0)
            for from in cluster.nodeNames {
                try await waitUntil("\(previous.service) refuses from \(from) once its Pod is gone", timeout: .seconds(30)) {
                    await cluster.topology.curl(from: from, "http://\(previous.clusterIP)/").status == 7
                }
            }
        }
        return (name, ip)
    }

    /// A Pod deleted while its kubelet was down is gone once the kubelet is back: from the apiserver, its
    /// processes and its network namespace.
    private func expectPodStopped(_ cluster: NetnsCluster, _ name: String, node: Int) async throws {
        let namespace = ClusterTopology.podNamespace(node: cluster.nodeNames[node - 1], podKey: "default/\(name)")
        try await waitUntil("\(name) is removed with its processes and namespace", timeout: .seconds(20)) {
            do {
                _ = try await cluster.client.get(Pod.self, namespace: "default", name: name)
                return false
            } catch let error as APIError {
                guard error.isNotFound else { return false }
            }
            return cluster.podProcesses(node: node)[name] == nil && !cluster.topology.podNamespaces().contains(namespace)
        }
    }

    /// A restarted kubelet kept its Pods' processes (one each, the same pids), counted no restart, and the Pods
    /// are Ready.
    private func expectPodsAdopted(_ cluster: NetnsCluster, node: Int, before: [String: [pid_t]], statusBefore: [Pod]) async throws {
        try await waitForReadyPods(cluster, statusBefore.map { "\($0.namespace)/\($0.name)" })
        let after = cluster.podProcesses(node: node)
        #expect(!before.isEmpty, "node \(node) ran no Pod processes before the kubelet was killed")
        for (pod, pids) in before {
            #expect(pids.count == 1, "\(pod) ran \(pids.count) processes before the restart")
            #expect(after[pod] == pids, "\(pod): processes \(pids) before the kubelet restart, \(after[pod] ?? []) after")
        }
        let pods = try await cluster.client.list(Pod.self, namespace: nil).items
        for old in statusBefore {
            let new = pods.first { $0.metadata.uid == old.metadata.uid }
            let restarts = { (pod: Pod?) in pod?.status?.containerStatuses?.map(\.restartCount) ?? [] }
            #expect(restarts(new) == restarts(old), "\(old.name): restart counts \(restarts(old)) before, \(restarts(new)) after")
        }
    }
}
