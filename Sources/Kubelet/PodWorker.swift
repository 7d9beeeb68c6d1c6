import Foundation
import Logging
import NIOCore
import SkiffAPI

/// Runs one Pod on this node: its containers (a process for a container with a `command`, the built-in
/// netexec server otherwise), their readiness probes, and the Pod's status, reported after every change.
///
/// An actor: container exits and probe results arrive from other threads and are serialized here.
public actor PodWorker {
    public let key: String
    public let podIP: String
    let pod: Pod
    let context: KubeletContext
    private let startTime = Date()
    private var views: [String: ContainerView] = [:]
    private var processes: [ContainerProcess] = []
    private var servers: [NetexecServer] = []
    private var probeTasks: [Task<Void, Never>] = []
    private var lastReported: PodStatus?
    private var stopped = false

    init(pod: Pod, podIP: String, context: KubeletContext) {
        self.pod = pod
        self.podIP = podIP
        self.context = context
        key = "\(pod.namespace)/\(pod.metadata.name ?? "")"
    }

    var containers: [Container] { pod.spec?.containers ?? [] }

    /// The environment every container (and exec probe) gets.
    var environment: [String: String] {
        // Containers see the node's PATH (a container image would bring its own) and nothing else of the kubelet's.
        var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin", "HOME": "/",
                   "POD_IP": podIP, "POD_NAME": pod.metadata.name ?? "", "POD_NAMESPACE": pod.namespace, "NODE_NAME": context.nodeName]
        let ports = containers.flatMap { $0.ports ?? [] }
        if let first = ports.first { env["PORT"] = "\(first.containerPort)" }
        for port in ports { if let name = port.name { env["PORT_\(name.uppercased().replacingOccurrences(of: "-", with: "_"))"] = "\(port.containerPort)" } }
        return env
    }

    /// Sets up the Pod's network, starts every container and its probes; reports the first status.
    func start() async throws(KubeletError) {
        // A container still running from before a kubelet restart keeps the network it has.
        let survivor = containers.compactMap { ContainerProcess.recorded(at: context.logFile(pod: pod, container: $0.name)) }.first
        var reattached = false
        if let survivor { reattached = await context.network.reattach(podKey: key, ip: podIP, pid: survivor.pid) }
        if !reattached { try await context.network.setUp(podKey: key, ip: podIP) }
        let prefix = context.network.execPrefix(podKey: key)
        for container in containers {
            views[container.name] = ContainerView(name: container.name, image: container.image, running: false, ready: false)
            var env = environment
            for variable in container.env ?? [] { if let value = variable.value { env[variable.name] = value } }
            var command = container.command.map { $0 + (container.args ?? []) } ?? []
            if command.isEmpty && !context.servesBuiltinInProcess {
                // The built-in server, run as `kubelet netexec` inside the Pod's network.
                command = [context.selfExecutable, "netexec", "--pod-name", pod.metadata.name ?? "", "--pod-ip", podIP]
                    + (container.ports ?? []).flatMap { ["--port", "\($0.containerPort)\($0.protocol == "UDP" ? "/udp" : "")"] }
            }
            if !command.isEmpty {
                let name = container.name
                let reported = pod.status?.containerStatuses?.first { $0.name == name }
                let process = ContainerProcess(
                    name: name, command: prefix + command, environment: env,
                    logFile: context.logFile(pod: pod, container: name), restartPolicy: pod.spec?.restartPolicy ?? "Always",
                    restartCount: reported?.restartCount ?? 0,
                    onChange: { state in Task { await self.processChanged(name, state) } })
                processes.append(process)
                if process.adopt() {
                    // Still running from before a kubelet restart: it keeps the readiness it was reported with
                    // until its probe says otherwise, so that a kubelet restart does not take it out of Services.
                    views[name]?.running = true
                    views[name]?.restartCount = reported?.restartCount ?? 0
                    views[name]?.ready = reported?.ready ?? false
                    context.logger.info("adopted running container", metadata: ["pod": "\(key)", "container": "\(name)"])
                } else {
                    do { try process.start() } catch {
                        context.logger.warning("container failed to start", metadata: ["pod": "\(key)", "container": "\(name)", "error": "\(error)"])
                        views[name]?.finished = true
                        views[name]?.lastExitCode = 127
                    }
                }
            } else {
                let ports = (container.ports ?? []).map { (port: $0.containerPort, udp: $0.protocol == "UDP") }
                do {
                    servers.append(try await NetexecServer.start(podName: pod.metadata.name ?? "", podIP: podIP, ports: ports, group: context.group))
                    views[container.name]?.running = true
                    views[container.name]?.startedAt = Date()
                } catch {
                    context.logger.warning("built-in server failed to start", metadata: ["pod": "\(key)", "error": "\(error)"])
                }
            }
            if let probe = container.readinessProbe {
                probeTasks.append(startProbing(container: container, probe: probe))
            } else if views[container.name]?.running == true {
                views[container.name]?.ready = true
            }
        }
        report()
    }

    private func processChanged(_ name: String, _ state: ContainerProcess.State) async {
        guard !stopped else { return }
        views[name]?.running = state.running
        views[name]?.restartCount = state.restartCount
        views[name]?.lastExitCode = state.lastExitCode
        views[name]?.finished = state.finished
        views[name]?.startedAt = state.startedAt
        let probed = containers.first { $0.name == name }?.readinessProbe != nil
        if !state.running { views[name]?.ready = false } else if !probed { views[name]?.ready = true }
        report()
    }

    /// Probes every periodSeconds after initialDelaySeconds; readiness flips after successThreshold successes
    /// or failureThreshold failures in a row (Kubernetes' defaults: 1 and 3).
    private func startProbing(container: Container, probe: Probe) -> Task<Void, Never> {
        let prober = Prober(group: context.group, execPrefix: context.network.execPrefix(podKey: key))
        let (podIP, env, ports, name) = (podIP, environment, container.ports ?? [], container.name)
        return Task {
            let period = Duration.seconds(max(probe.periodSeconds ?? 10, 1))
            try? await Task.sleep(for: .seconds(max(probe.initialDelaySeconds ?? 0, 0)))
            var successes = 0
            var failures = 0
            while !Task.isCancelled {
                let result = await prober.check(probe, podIP: podIP, containerPorts: ports, environment: env)
                if result == .success { successes += 1; failures = 0 } else { failures += 1; successes = 0 }
                if successes >= max(probe.successThreshold ?? 1, 1) { await self.setReady(name, true) }
                if failures >= max(probe.failureThreshold ?? 3, 1) { await self.setReady(name, false) }
                try? await Task.sleep(for: period)
            }
        }
    }

    private func setReady(_ name: String, _ ready: Bool) async {
        guard !stopped, let view = views[name] else { return }
        let value = ready && view.running
        guard view.ready != value else { return }
        views[name]?.ready = value
        report()
    }

    /// Sends the status when it differs from the last one sent.
    private func report() {
        guard !stopped else { return }
        let status = PodStatusBuilder.status(previous: lastReported, podIP: podIP, hostIP: context.nodeIP, startTime: startTime,
                                             containers: containers.compactMap { views[$0.name] })
        guard status != lastReported else { return }
        lastReported = status
        context.statusWriter.set(pod, status)
    }

    /// Stops what an earlier kubelet left running for `pod` (it was deleted while no kubelet ran here): its
    /// recorded containers, SIGTERM then SIGKILL after `grace`, and its network.
    static func stopLeftovers(of pod: Pod, context: KubeletContext, grace: Duration) async {
        let key = "\(pod.namespace)/\(pod.metadata.name ?? "")"
        await stopLeftovers(key: key, logDirectory: context.logFile(pod: pod, container: "").deletingLastPathComponent(),
                            context: context, grace: grace)
    }

    /// The same for a Pod known only by its key and its log directory (it is gone from the apiserver).
    static func stopLeftovers(key: String, logDirectory: URL, context: KubeletContext, grace: Duration) async {
        let records = ((try? FileManager.default.contentsOfDirectory(at: logDirectory, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "pid" }
        guard !records.isEmpty else { return }
        for record in records {
            let name = record.deletingPathExtension().lastPathComponent
            let process = ContainerProcess(name: name, command: [], environment: [:], logFile: record.deletingPathExtension().appendingPathExtension("log"),
                                           restartPolicy: "Never", onChange: { _ in })
            if process.adopt() {
                context.logger.info("stopping container left running", metadata: ["pod": "\(key)", "container": "\(name)"])
                await process.stop(grace: grace)
            } else {
                try? FileManager.default.removeItem(at: record)
            }
        }
        await context.network.tearDown(podKey: key)
    }

    /// Stops probes and containers: SIGTERM, then SIGKILL after `grace`.
    func stop(grace: Duration) async {
        stopped = true
        for task in probeTasks { task.cancel() }
        for server in servers { await server.stop() }
        await withDiscardingTaskGroup { group in
            for process in processes { group.addTask { await process.stop(grace: grace) } }
        }
        await context.network.tearDown(podKey: key)
    }
}
