import Foundation
import SkiffAPI
import SkiffMessaging

/// What `skiffctl apply --wait` waits for: every component that makes a Service reachable has acted on the
/// applied revision. The components say so in their Leases (`kube-system/coredns-controller` and
/// `kube-system/kube-proxy-<node>` for each Ready node), whose `skiff.dev/programmed-revision` annotation holds
/// the store revision through which they have programmed every change.
///
/// A Lease that is missing or not renewed within its duration means the component is not running: the wait
/// then fails at its deadline, naming it, rather than passing on a cluster that cannot serve the Service.
public struct ApplyWaiter: Sendable {
    public let client: any RequestSending
    public let revision: Int64
    public let timeout: Duration
    public var poll: Duration = .milliseconds(50)

    public init(client: any RequestSending, revision: Int64, timeout: Duration) {
        self.client = client
        self.revision = revision
        self.timeout = timeout
    }

    /// One component's position, for the progress report.
    public struct Lag: Equatable, Sendable, CustomStringConvertible {
        public var lease: String
        public var problem: String
        public var description: String { "\(lease): \(problem)" }
    }

    /// Returns the time waited, or throws a timeout naming what lags.
    public func wait() async throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        var lagging: [Lag] = []
        while true {
            lagging = try await lags(now: Date())
            if lagging.isEmpty { return clock.now - start }
            guard clock.now - start < timeout else { break }
            try await Task.sleep(for: poll)
        }
        throw CLIError(.timeout, "timed out after \(timeout) waiting for revision \(revision) to be served:\n"
            + lagging.map { "  \($0)" }.joined(separator: "\n"))
    }

    /// The components that have not acted on `revision` yet.
    public func lags(now: Date) async throws -> [Lag] {
        let fetcher = Fetcher(client: client)
        let leases = try await fetcher.list(Lease.self, namespace: "kube-system", selector: nil).compactMap { $0.object as? Lease }
        let nodes = try await fetcher.list(Node.self, namespace: nil, selector: nil).compactMap { $0.object as? Node }
            .filter(\.isReady).compactMap(\.metadata.name).sorted()
        let required = ["coredns-controller"] + nodes.map { "kube-proxy-\($0)" }
        return required.compactMap { name in
            guard let lease = leases.first(where: { $0.name == name }) else {
                return Lag(lease: "kube-system/\(name)", problem: "no Lease: the component is not running")
            }
            let duration = TimeInterval(lease.spec?.leaseDurationSeconds ?? 40)
            if let renewed = lease.spec?.renewTime?.date, now.timeIntervalSince(renewed) > duration {
                return Lag(lease: "kube-system/\(name)", problem: "not renewed for \(Int(now.timeIntervalSince(renewed))) s: the component is not running")
            }
            let at = lease.programmedRevision
            return at >= revision ? nil : Lag(lease: "kube-system/\(name)", problem: "at revision \(at), not yet \(revision)")
        }
    }
}
