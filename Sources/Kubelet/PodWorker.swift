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
        try await context.network.setUp(podKey: key, ip: podIP)
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
                let process = ContainerProcess(
                    name: name, command: prefix + command, environment: env,
                    logFile: context.logFile(pod: pod, container: name), restartPolicy: pod.spec?.restartPolicy ?? "Always",
                    onChange: { state in Task { await self.processChanged(name, state) } })
                processes.append(process)
                do { try process.start() } catch {
                    context.logger.warning("container failed to start", metadata: ["pod": "\(key)", "container": "\(name)", "error": "\(error)"])
                    views[name]?.finished = true
                    views[name]?.lastExitCode = 127
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
