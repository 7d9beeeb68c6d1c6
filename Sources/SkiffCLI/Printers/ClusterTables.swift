import Foundation
import SkiffAPI

/// `get namespaces`: NAME STATUS AGE.
public enum NamespaceTable {
    public static let columns = ["NAME", "STATUS", "AGE"]

    public static func row(_ namespace: Namespace, now: Date) -> [String] {
        [namespace.name, namespace.status?.phase ?? "", Age.since(namespace.metadata.creationTimestamp, now: now)]
    }
}

/// `get nodes`: NAME STATUS ROLES AGE VERSION, and INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION
/// CONTAINER-RUNTIME with -o wide (kubectl's printNode).
public enum NodeTable {
    public static func columns(wide: Bool) -> [String] {
        ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
            + (wide ? ["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"] : [])
    }

    public static func row(_ node: Node, wide: Bool, now: Date) -> [String] {
        let info = node.status?.nodeInfo
        var row = [
            node.name, status(node), roles(node), Age.since(node.metadata.creationTimestamp, now: now),
            info?["kubeletVersion"]?.string ?? "",
        ]
        if wide {
            func known(_ key: String) -> String {
                guard let value = info?[key]?.string, !value.isEmpty else { return "<unknown>" }
                return value
            }
            row += [address(node, "InternalIP"), address(node, "ExternalIP"), known("osImage"), known("kernelVersion"), known("containerRuntimeVersion")]
        }
        return row
    }

    /// `Ready`, `NotReady` or `Unknown` (no Ready condition), and `SchedulingDisabled` when cordoned.
    public static func status(_ node: Node) -> String {
        var parts: [String] = []
        if let ready = node.status?.conditions?.last(where: { $0.type == "Ready" }) {
            parts.append(ready.status == "True" ? "Ready" : "NotReady")
        } else {
            parts.append("Unknown")
        }
        if node.spec?.unschedulable == true { parts.append("SchedulingDisabled") }
        return parts.joined(separator: ",")
    }

    /// From `node-role.kubernetes.io/<role>` labels and the `kubernetes.io/role` label, sorted; `<none>`.
    public static func roles(_ node: Node) -> String {
        var roles = Set<String>()
        for (key, value) in node.labels {
            if key.hasPrefix("node-role.kubernetes.io/") {
                let role = String(key.dropFirst("node-role.kubernetes.io/".count))
                if !role.isEmpty { roles.insert(role) }
            } else if key == "kubernetes.io/role", !value.isEmpty {
                roles.insert(value)
            }
        }
        return roles.isEmpty ? "<none>" : roles.sorted().joined(separator: ",")
    }

    static func address(_ node: Node, _ type: String) -> String {
        Text.orNone(node.status?.addresses?.first { $0.type == type }?.address)
    }
}
