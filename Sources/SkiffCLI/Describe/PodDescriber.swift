import Foundation
import SkiffAPI

/// `describe pod`, in kubectl's layout (describePod) for the fields Skiff's Pods have.
enum PodDescriber {
    static func describe(_ pod: Pod, writer: inout DescribeWriter) {
        let spec = pod.spec
        let status = pod.status
        writer.write(0, "Name:\t\(pod.name)\n")
        writer.write(0, "Namespace:\t\(pod.namespace)\n")
        if let priority = spec?.priority { writer.write(0, "Priority:\t\(priority)\n") }
        if let account = spec?.serviceAccountName, !account.isEmpty { writer.write(0, "Service Account:\t\(account)\n") }
        if let node = spec?.nodeName, !node.isEmpty {
            writer.write(0, "Node:\t\(node)/\(status?.hostIP ?? "")\n")
        } else {
            writer.write(0, "Node:\t<none>\n")
        }
        if let start = status?.startTime { writer.write(0, "Start Time:\t\(writer.time(start))\n") }
        writer.labels("Labels", pod.metadata.labels)
        writer.annotations(pod.metadata.annotations)
        writer.identity(pod.metadata)
        let phase = status?.phase ?? ""
        if let deletion = pod.metadata.deletionTimestamp, phase != "Failed", phase != "Succeeded" {
            writer.write(0, "Status:\tTerminating (lasts \(Age.since(deletion, now: writer.now)))\n")
            if let grace = pod.metadata.deletionGracePeriodSeconds { writer.write(0, "Termination Grace Period:\t\(grace)s\n") }
        } else {
            writer.write(0, "Status:\t\(phase)\n")
        }
        if let reason = status?.reason, !reason.isEmpty { writer.write(0, "Reason:\t\(reason)\n") }
        if let message = status?.message, !message.isEmpty { writer.write(0, "Message:\t\(message)\n") }
        writer.write(0, "IP:\t\(status?.podIP ?? "")\n")
        let ips = status?.podIPs?.map(\.ip) ?? (pod.podIP.map { [$0] } ?? [])
        if ips.isEmpty {
            writer.write(0, "IPs:\t<none>\n")
        } else {
            writer.write(0, "IPs:\n")
            for ip in ips { writer.write(1, "IP:\t\(ip)\n") }
        }
        if let owner = pod.metadata.ownerReferences?.first(where: { $0.controller == true }) {
            writer.write(0, "Controlled By:\t\(owner.kind)/\(owner.name)\n")
        }
        if let initContainers = spec?.initContainers, !initContainers.isEmpty {
            containers("Init Containers", initContainers, statuses: [], writer: &writer)
        }
        containers("Containers", spec?.containers ?? [], statuses: status?.containerStatuses ?? [], writer: &writer)
        if let conditions = status?.conditions, !conditions.isEmpty {
            writer.write(0, "Conditions:\n  Type\tStatus\n")
            for condition in conditions { writer.write(1, "\(condition.type) \t\(condition.status) \n") }
        }
        writer.write(0, (spec?.volumes ?? []).isEmpty ? "Volumes:\t<none>\n" : "Volumes:\t\(spec!.volumes!.count)\n")
        if let qos = status?.qosClass { writer.write(0, "QoS Class:\t\(qos)\n") }
        writer.labels("Node-Selectors", spec?.nodeSelector)
        writer.write(0, "Tolerations:\t\((spec?.tolerations ?? []).isEmpty ? "<none>" : "\(spec!.tolerations!.count)")\n")
        writer.events()
    }

    static func containers(_ title: String, _ containers: [Container], statuses: [ContainerStatus], writer: inout DescribeWriter) {
        writer.write(0, "\(title):\n")
        for container in containers {
            let status = statuses.first { $0.name == container.name }
            writer.write(1, "\(container.name):\n")
            if let status { writer.write(2, "Container ID:\t\(status.containerID ?? "")\n") }
            writer.write(2, "Image:\t\(container.image ?? "")\n")
            if let status { writer.write(2, "Image ID:\t\(status.imageID ?? "")\n") }
            let ports = (container.ports ?? []).map { "\($0.containerPort)/\($0.protocol ?? "TCP")" }
            writer.write(2, ports.count > 1 ? "Ports:\t\(ports.joined(separator: ", "))\n" : "Port:\t\(ports.first ?? "<none>")\n")
            let hostPorts = (container.ports ?? []).map { "\($0.hostPort ?? 0)/\($0.protocol ?? "TCP")" }
            writer.write(2, hostPorts.count > 1 ? "Host Ports:\t\(hostPorts.joined(separator: ", "))\n" : "Host Port:\t\(hostPorts.first ?? "<none>")\n")
            for (label, lines) in [("Command", container.command ?? []), ("Args", container.args ?? [])] where !lines.isEmpty {
                writer.write(2, "\(label):\n")
                for line in lines.flatMap({ $0.split(separator: "\n", omittingEmptySubsequences: false) }) { writer.write(3, "\(line)\n") }
            }
            if let status { state(status, writer: &writer) }
            if let probe = container.livenessProbe { writer.write(2, "Liveness:\t\(describe(probe))\n") }
            if let probe = container.readinessProbe { writer.write(2, "Readiness:\t\(describe(probe))\n") }
            if let probe = container.startupProbe { writer.write(2, "Startup:\t\(describe(probe))\n") }
            let env = container.env ?? []
            writer.write(2, env.isEmpty ? "Environment:\t<none>\n" : "Environment:\n")
            for variable in env {
                writer.write(3, "\(variable.name):\t\(variable.value ?? (variable.valueFrom == nil ? "" : "<set from a reference>"))\n")
            }
            writer.write(2, (container.volumeMounts ?? []).isEmpty ? "Mounts:\t<none>\n" : "Mounts:\t\(container.volumeMounts!.count)\n")
        }
    }

    /// State, Last State, Ready and Restart Count, from the kubelet's container status.
    static func state(_ status: ContainerStatus, writer: inout DescribeWriter) {
        func describeState(_ name: String, _ state: JSONValue?) {
            if let running = state?["running"] {
                writer.write(2, "\(name):\tRunning\n")
                writer.write(3, "Started:\t\(time(running["startedAt"], writer))\n")
            } else if let terminated = state?["terminated"] {
                writer.write(2, "\(name):\tTerminated\n")
                if let reason = terminated["reason"]?.string, !reason.isEmpty { writer.write(3, "Reason:\t\(reason)\n") }
                if let message = terminated["message"]?.string, !message.isEmpty { writer.write(3, "Message:\t\(message)\n") }
                writer.write(3, "Exit Code:\t\(terminated["exitCode"]?.int ?? 0)\n")
                if let signal = terminated["signal"]?.int, signal > 0 { writer.write(3, "Signal:\t\(signal)\n") }
                writer.write(3, "Started:\t\(time(terminated["startedAt"], writer))\n")
                writer.write(3, "Finished:\t\(time(terminated["finishedAt"], writer))\n")
            } else {
                writer.write(2, "\(name):\tWaiting\n")
                if let reason = state?["waiting"]?["reason"]?.string, !reason.isEmpty { writer.write(3, "Reason:\t\(reason)\n") }
            }
        }
        describeState("State", status.state)
        if status.lastState?["terminated"] != nil { describeState("Last State", status.lastState) }
        writer.write(2, "Ready:\t\(status.ready ? "True" : "False")\n")
        writer.write(2, "Restart Count:\t\(status.restartCount)\n")
    }

    private static func time(_ value: JSONValue?, _ writer: DescribeWriter) -> String {
        writer.time(value?.string.flatMap(Timestamp.parse).map(Timestamp.init))
    }

    /// kubectl's DescribeProbe: `http-get http://:http/ delay=0s timeout=1s period=2s #success=1 #failure=3`.
    static func describe(_ probe: Probe) -> String {
        let attributes = "delay=\(probe.initialDelaySeconds ?? 0)s timeout=\(probe.timeoutSeconds ?? 0)s period=\(probe.periodSeconds ?? 0)s "
            + "#success=\(probe.successThreshold ?? 0) #failure=\(probe.failureThreshold ?? 0)"
        if let exec = probe.exec { return "exec [\((exec.command ?? []).joined(separator: " "))] \(attributes)" }
        if let http = probe.httpGet {
            let scheme = (http.scheme ?? "HTTP").lowercased()
            return "http-get \(scheme)://\(Self.joinHostPort(http.host ?? "", http.port.description))\(http.path ?? "") \(attributes)"
        }
        if let tcp = probe.tcpSocket { return "tcp-socket \(tcp.host ?? ""):\(tcp.port.description) \(attributes)" }
        if let grpc = probe.grpc { return "grpc <pod>:\(grpc.port) \(grpc.service ?? "") \(attributes)" }
        return "unknown \(attributes)"
    }

    private static func joinHostPort(_ host: String, _ port: String) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
