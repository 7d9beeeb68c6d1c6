import Foundation
import SkiffAPI

/// What the kubelet knows of one container, for the Pod's status.
public struct ContainerView: Sendable, Equatable {
    public var name: String
    public var image: String?
    public var running: Bool
    public var ready: Bool
    public var restartCount: Int
    public var startedAt: Date?
    public var lastExitCode: Int32?
    /// Exited and will not be restarted.
    public var finished: Bool

    public init(name: String, image: String? = nil, running: Bool, ready: Bool, restartCount: Int = 0,
                startedAt: Date? = nil, lastExitCode: Int32? = nil, finished: Bool = false) {
        self.name = name
        self.image = image
        self.running = running
        self.ready = ready
        self.restartCount = restartCount
        self.startedAt = startedAt
        self.lastExitCode = lastExitCode
        self.finished = finished
    }
}

/// Builds a Pod's status from its containers, as the kubelet's status manager does: the phase, the four
/// conditions (PodScheduled, Initialized, ContainersReady, Ready) with transition times kept while a condition
/// does not change, the Pod and host IPs, and one status per container.
public enum PodStatusBuilder {
    public static func status(previous: PodStatus?, podIP: String, hostIP: String, startTime: Date,
                              containers: [ContainerView], now: Date = Date()) -> PodStatus {
        let allReady = !containers.isEmpty && containers.allSatisfy(\.ready)
        var status = PodStatus(phase: phase(of: containers), podIP: podIP)
        status.podIPs = [PodIP(ip: podIP)]
        status.hostIP = hostIP
        status.hostIPs = [HostIP(ip: hostIP)]
        status.startTime = Timestamp(startTime.roundedToSeconds)
        status.qosClass = "BestEffort"
        let stamp = Timestamp(now.roundedToSeconds)
        status.conditions = [
            ("PodScheduled", true, nil), ("Initialized", true, nil),
            ("ContainersReady", allReady, allReady ? nil : "ContainersNotReady"),
            ("Ready", allReady, allReady ? nil : "ContainersNotReady"),
        ].map { type, value, reason in
            let statusText = value ? "True" : "False"
            let old = previous?.conditions?.first { $0.type == type }
            let since = old?.status == statusText ? (old?.lastTransitionTime ?? stamp) : stamp
            return PodCondition(type: type, status: statusText, lastTransitionTime: since, reason: reason)
        }
        status.containerStatuses = containers.map { container in
            ContainerStatus(name: container.name, ready: container.ready, restartCount: container.restartCount,
                            image: container.image, started: container.running, state: state(of: container),
                            lastState: container.restartCount > 0 ? container.lastExitCode.map { terminated($0) } : nil)
        }
        return status
    }

    /// Running while any container runs (or will run again); Succeeded/Failed once every one has finished.
    static func phase(of containers: [ContainerView]) -> String {
        if containers.isEmpty { return "Pending" }
        if containers.allSatisfy(\.finished) {
            return containers.allSatisfy { $0.lastExitCode == 0 } ? "Succeeded" : "Failed"
        }
        return containers.contains(where: \.running) || containers.contains(where: \.finished) ? "Running" : "Pending"
    }

    static func state(of container: ContainerView) -> JSONValue {
        if container.running {
            let started = container.startedAt.map { JSONValue.string(Timestamp($0.roundedToSeconds).rfc3339) } ?? .null
            return .object(["running": .object(["startedAt": started])])
        }
        if container.finished, let code = container.lastExitCode { return terminated(code) }
        return .object(["waiting": .object(["reason": .string(container.restartCount > 0 ? "CrashLoopBackOff" : "ContainerCreating")])])
    }

    static func terminated(_ code: Int32) -> JSONValue {
        .object(["terminated": .object(["exitCode": .number(Double(code)), "reason": .string(code == 0 ? "Completed" : "Error")])])
    }
}

extension Date {
    var roundedToSeconds: Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }
}
