import Foundation
import Logging
import NIOCore
import SkiffAPI

/// What every Pod worker of a kubelet shares.
struct KubeletContext: Sendable {
    let nodeName: String
    let nodeIP: String
    let rootDirectory: URL
    let group: any EventLoopGroup
    let statusWriter: PodStatusWriter
    let network: any PodNetwork
    /// This kubelet's own executable, run as `kubelet netexec` in a Pod's namespace when the built-in server
    /// cannot be served from the kubelet's process (the namespace topology).
    let selfExecutable: String
    let logger: Logger

    /// Whether the built-in server runs inside the kubelet (the Pod's network is the node's own).
    var servesBuiltinInProcess: Bool { network is HostPodNetwork }

    /// `<root>/pods/<namespace>_<name>/<container>.log`, as the kubelet lays out /var/log/pods.
    func logFile(pod: Pod, container: String) -> URL {
        let directory = rootDirectory.appendingPathComponent("pods/\(pod.namespace)_\(pod.metadata.name ?? "")", isDirectory: true)
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("\(container).log")
    }
}
