import Foundation
import SkiffAPI

/// `describe namespace`: Name, Labels, Annotations, Status (kubectl's describeNamespace, without quotas and
/// limit ranges, which Skiff does not have).
enum NamespaceDescriber {
    static func describe(_ namespace: Namespace, writer: inout DescribeWriter) {
        writer.header(namespace, namespaced: false)
        writer.write(0, "Status:\t\(namespace.status?.phase ?? "")\n")
    }
}

/// `describe node`, in kubectl's layout (describeNode) for the fields a Skiff kubelet reports.
enum NodeDescriber {
    static func describe(_ node: Node, writer: inout DescribeWriter) {
        writer.write(0, "Name:\t\(node.name)\n")
        writer.write(0, "Roles:\t\(NodeTable.roles(node))\n")
        writer.labels("Labels", node.metadata.labels)
        writer.annotations(node.metadata.annotations)
        writer.identity(node.metadata)
        writer.write(0, "Taints:\t\((node.spec?.taints ?? []).isEmpty ? "<none>" : "\(node.spec!.taints!.count)")\n")
        writer.write(0, "Unschedulable:\t\(node.spec?.unschedulable ?? false)\n")
        let conditions = node.status?.conditions ?? []
        if !conditions.isEmpty {
            writer.write(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n")
            writer.write(0, "  ----\t------\t-----------------\t------------------\t------\t-------\n")
            for condition in conditions {
                writer.write(1, "\(condition.type) \t\(condition.status) \t\(writer.time(condition.lastHeartbeatTime)) \t"
                    + "\(writer.time(condition.lastTransitionTime)) \t\(condition.reason ?? "") \t\(condition.message ?? "")\n")
            }
        }
        if let addresses = node.status?.addresses, !addresses.isEmpty {
            writer.write(0, "Addresses:\n")
            for address in addresses { writer.write(1, "\(address.type):\t\(address.address)\n") }
        }
        for (title, resources) in [("Capacity", node.status?.capacity), ("Allocatable", node.status?.allocatable)] {
            guard let resources, !resources.isEmpty else { continue }
            writer.write(0, "\(title):\n")
            for key in resources.keys.sorted() { writer.write(1, "\(key):\t\(resources[key]!)\n") }
        }
        if let info = node.status?.nodeInfo, case .object(let fields) = info, !fields.isEmpty {
            writer.write(0, "System Info:\n")
            let titles = [
                ("machineID", "Machine ID"), ("systemUUID", "System UUID"), ("bootID", "Boot ID"), ("kernelVersion", "Kernel Version"),
                ("osImage", "OS Image"), ("operatingSystem", "Operating System"), ("architecture", "Architecture"),
                ("containerRuntimeVersion", "Container Runtime Version"), ("kubeletVersion", "Kubelet Version"),
                ("kubeProxyVersion", "Kube-Proxy Version"),
            ]
            for (key, title) in titles { if let value = fields[key]?.string { writer.write(1, "\(title):\t\(value)\n") } }
        }
        if let cidr = node.spec?.podCIDR { writer.write(0, "PodCIDR:\t\(cidr)\n") }
        if let cidrs = node.spec?.podCIDRs, !cidrs.isEmpty { writer.write(0, "PodCIDRs:\t\(cidrs.joined(separator: ","))\n") }
        writer.events()
    }
}
