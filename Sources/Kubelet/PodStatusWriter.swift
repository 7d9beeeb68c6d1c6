import Logging
import SkiffAPI
import SkiffMessaging
import Synchronization

/// Writes Pod statuses through update-status, latest first: the kubelet's status manager.
///
/// Workers hand it a status and go on; only the newest status per Pod is kept, so a burst of probe results
/// becomes one write and an older status is never written after a newer one. A failed write is retried (after
/// `retryDelay`) unless a newer status has come meanwhile; a Pod that no longer exists is dropped.
public final class PodStatusWriter: Sendable {
    private let pending = Mutex<[String: (pod: Pod, status: PodStatus)]>([:])
    private let signal: AsyncStream<Void>.Continuation
    private let signals: AsyncStream<Void>
    let writer: any PodStatusSink
    let logger: Logger
    let retryDelay: Duration

    public init(writer: any PodStatusSink, retryDelay: Duration = .seconds(1), logger: Logger) {
        self.writer = writer
        self.logger = logger
        self.retryDelay = retryDelay
        (signals, signal) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    func set(_ pod: Pod, _ status: PodStatus) {
        pending.withLock { $0["\(pod.namespace)/\(pod.metadata.name ?? "")"] = (pod, status) }
        signal.yield()
    }

    /// Writes until the calling task is cancelled.
    func run() async {
        for await _ in signals {
            let batch = pending.withLock { items in defer { items = [:] }; return items }
            var failed = false
            for (key, item) in batch.sorted(by: { $0.key < $1.key }) {
                var pod = item.pod
                pod.status = item.status
                pod.metadata.resourceVersion = nil
                do {
                    try await writer.writeStatus(pod)
                } catch {
                    if (error as? APIError)?.isNotFound == true { continue }
                    logger.warning("pod status write failed; retrying", metadata: ["pod": "\(key)", "error": "\(error)"])
                    pending.withLock { if $0[key] == nil { $0[key] = item } }
                    failed = true
                }
            }
            if failed {
                try? await Task.sleep(for: retryDelay)
                signal.yield()
            }
        }
    }
}

/// Where statuses go: the apiserver in the kubelet, a recorder in tests.
public protocol PodStatusSink: Sendable {
    func writeStatus(_ pod: Pod) async throws
}

extension APIClient: PodStatusSink {
    public func writeStatus(_ pod: Pod) async throws { _ = try await updateStatus(pod) }
}
