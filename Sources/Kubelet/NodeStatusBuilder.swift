import Foundation
import SkiffAPI

/// The Node object a kubelet registers, and its status at each heartbeat.
public enum NodeStatusBuilder {
    public static func node(name: String, podCIDR: String, zone: String?) -> Node {
        var labels = ["kubernetes.io/hostname": name, "kubernetes.io/os": "linux"]
        if let zone, !zone.isEmpty { labels["topology.kubernetes.io/zone"] = zone }
        return Node(metadata: ObjectMeta(name: name, labels: labels), spec: NodeSpec(podCIDR: podCIDR, podCIDRs: [podCIDR]))
    }

    /// Ready (or not) as of `now`, keeping the transition time while the condition holds.
    public static func status(previous: NodeStatus?, nodeIP: String, hostname: String, ready: Bool, podCapacity: Int,
                              now: Date = Date()) -> NodeStatus {
        let stamp = Timestamp(now.roundedToSeconds)
        let value = ready ? "True" : "False"
        let old = previous?.conditions?.first { $0.type == "Ready" }
        let since = old?.status == value ? (old?.lastTransitionTime ?? stamp) : stamp
        let condition = NodeCondition(
            type: "Ready", status: value, lastHeartbeatTime: stamp, lastTransitionTime: since,
            reason: ready ? "KubeletReady" : "KubeletStopped",
            message: ready ? "kubelet is posting ready status" : "kubelet was stopped")
        return NodeStatus(
            addresses: [NodeAddress(type: "InternalIP", address: nodeIP), NodeAddress(type: "Hostname", address: hostname)],
            conditions: [condition], capacity: ["pods": "\(podCapacity)"])
    }
}
