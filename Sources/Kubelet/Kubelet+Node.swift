import Foundation
import ServiceLifecycle
import SkiffAPI
import SkiffMessaging

extension Kubelet {
    /// Registers the Node, then posts a Ready heartbeat every `heartbeatInterval` until cancelled; a failed post
    /// is retried at the next beat (the apiserver may be restarting).
    func heartbeat() async {
        while !Task.isCancelled {
            do {
                try await postNodeStatus(ready: true)
            } catch {
                logger.warning("node status update failed", metadata: ["node": "\(options.nodeName)", "error": "\(error)"])
            }
            try? await Task.sleep(for: options.heartbeatInterval)
        }
    }

    /// Creates the Node when it is missing, then writes its status.
    func postNodeStatus(ready: Bool) async throws {
        var node = try await registeredNode()
        let capacity = (try? PodIPAllocator(cidr: options.podCIDR).capacity) ?? 0
        node.status = NodeStatusBuilder.status(previous: node.status, nodeIP: options.nodeIP, hostname: options.nodeName,
                                               ready: ready, podCapacity: capacity)
        node.metadata.resourceVersion = nil
        _ = try await client.updateStatus(node)
    }

    /// The Node as stored, created first when missing.
    private func registeredNode() async throws(APIError) -> Node {
        let existing: Node?
        do {
            existing = try await client.get(Node.self, namespace: "", name: options.nodeName)
        } catch {
            guard error.isNotFound else { throw error }
            existing = nil
        }
        if let existing { return existing }
        let created = try await client.create(NodeStatusBuilder.node(name: options.nodeName, podCIDR: options.podCIDR, zone: options.zone))
        logger.info("registered node", metadata: ["node": "\(options.nodeName)", "podCIDR": "\(options.podCIDR)"])
        return created
    }
}

/// Runs as one service of a `ServiceGroup`: a graceful shutdown (SIGTERM) stops the Pods, then the kubelet.
extension Kubelet: ServiceLifecycle.Service {
    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.runUntilCancelled() }
        logger.info("kubelet stopped")
    }
}
