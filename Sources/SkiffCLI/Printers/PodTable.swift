import Foundation
import SkiffAPI

/// `get pods`: NAME READY STATUS RESTARTS AGE, and IP NODE NOMINATED NODE READINESS GATES with -o wide
/// (kubectl's printPod).
public enum PodTable {
    public static func columns(wide: Bool) -> [String] {
        ["NAME", "READY", "STATUS", "RESTARTS", "AGE"] + (wide ? ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"] : [])
    }

    public static func row(_ pod: Pod, wide: Bool, now: Date) -> [String] {
        let summary = summarize(pod, now: now)
        var row = [
            pod.name, "\(summary.ready)/\(pod.spec?.containers.count ?? 0)", summary.status, summary.restarts,
            Age.since(pod.metadata.creationTimestamp, now: now),
        ]
        if wide {
            let ip = pod.status?.podIPs?.first?.ip ?? pod.status?.podIP
            row += [Text.orNone(ip), Text.orNone(pod.spec?.nodeName), "<none>", "<none>"]
        }
        return row
    }

    /// The READY count, STATUS and RESTARTS cells, following kubectl: the phase (or the pod's reason), replaced by
    /// a container's waiting or terminated reason, `Terminating` once deletion started.
    ///
    /// One deviation: Skiff's kubelet may report readiness only through the Ready condition, without container
    /// statuses; then every container counts as ready when the pod is Ready (kubectl would show 0/N).
    public static func summarize(_ pod: Pod, now: Date) -> (ready: Int, status: String, restarts: String) {
        let status = pod.status
        var reason = status?.phase ?? ""
        if let podReason = status?.reason, !podReason.isEmpty { reason = podReason }
        if status?.conditions?.contains(where: { $0.type == "PodScheduled" && $0.reason == "SchedulingGated" }) ?? false {
            reason = "SchedulingGated"
        }
        var ready = 0
        var restarts = 0
        var lastRestart: Date?
        var hasRunning = false
        let containerStatuses = status?.containerStatuses ?? []
        for container in containerStatuses.reversed() {
            restarts += container.restartCount
            if let finished = container.lastState?["terminated"]?["finishedAt"]?.string.flatMap(Timestamp.parse) {
                lastRestart = max(lastRestart ?? finished, finished)
            }
            let state = container.state
            if let waiting = state?["waiting"]?["reason"]?.string, !waiting.isEmpty {
                reason = waiting
            } else if let terminated = state?["terminated"] {
                if let why = terminated["reason"]?.string, !why.isEmpty {
                    reason = why
                } else if let signal = terminated["signal"]?.int, signal != 0 {
                    reason = "Signal:\(signal)"
                } else {
                    reason = "ExitCode:\(terminated["exitCode"]?.int ?? 0)"
                }
            } else if container.ready && state?["running"] != nil {
                hasRunning = true
                ready += 1
            }
        }
        if containerStatuses.isEmpty && pod.isReady { ready = pod.spec?.containers.count ?? 0 }
        if reason == "Completed" && hasRunning { reason = pod.isReady ? "Running" : "NotReady" }
        if pod.metadata.deletionTimestamp != nil {
            if status?.reason == "NodeLost" {
                reason = "Unknown"
            } else if reason != "Succeeded" && reason != "Failed" && status?.phase != "Succeeded" && status?.phase != "Failed" {
                reason = "Terminating"
            }
        }
        var restartText = String(restarts)
        if restarts != 0, let lastRestart { restartText += " (\(Age.format(now.timeIntervalSince(lastRestart))) ago)" }
        return (ready, reason, restartText)
    }
}
