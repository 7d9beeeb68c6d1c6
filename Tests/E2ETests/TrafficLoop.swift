import Foundation
import Synchronization

/// Traffic that keeps flowing while components are killed and restarted: from each node namespace in turn, a GET
/// of a Service's ClusterIP (curl, 2 s) and a DNS lookup of its name (dig, two tries of 1 s), one after the other,
/// each sample recorded with when it ran and whether it got the right answer. Assertions read the samples
/// afterwards, by time window.
final class TrafficLoop: Sendable {
    enum Kind: String, Sendable { case http, dns }

    struct Sample: Sendable {
        var kind: Kind
        var node: String
        var start: ContinuousClock.Instant
        var end: ContinuousClock.Instant
        var ok: Bool
        /// What came back: the body, the DNS answer, or curl's / dig's complaint.
        var detail: String

        func overlaps(_ window: ClosedRange<ContinuousClock.Instant>) -> Bool { start <= window.upperBound && end >= window.lowerBound }
    }

    /// The samples, shared with the loop's task.
    private final class Recorded: Sendable {
        let samples = Mutex<[Sample]>([])
    }

    private let recorded = Recorded()
    private let task = Mutex<Task<Void, Never>?>(nil)

    /// Starts the loop: `http` must answer with a body starting with `bodyPrefix`, `name` must resolve to exactly
    /// `clusterIP`.
    init(topology: ClusterTopology, clusterIP: String, name: String, bodyPrefix: String) {
        let loop = Task { [recorded] in
            while !Task.isCancelled {
                for node in topology.nodes where !Task.isCancelled {
                    var start = ContinuousClock.now
                    let answer = await topology.curl(from: node, "http://\(clusterIP)/", timeout: 2)
                    let http = Sample(kind: .http, node: node, start: start, end: .now,
                                      ok: answer.status == 0 && answer.body.hasPrefix(bodyPrefix), detail: "\(answer.status) \(answer.body)")
                    start = .now
                    // Two tries, as a resolver makes them (glibc: attempts 2): one lost datagram is not an outage.
                    let output = await topology.digOutput(from: node, name, tries: 2)
                    let records = ClusterTopology.records(output)
                    let header = output.stdout.split(separator: "\n").first { $0.contains("status:") }.map(String.init)
                    let dns = Sample(kind: .dns, node: node, start: start, end: .now, ok: records == [clusterIP],
                                     detail: records.map { "\($0)" } ?? "exit \(output.status): \(header ?? output.stdout + output.stderr)")
                    // A request cut short by `stop()` (its process is killed) is not a sample.
                    guard !Task.isCancelled else { return }
                    recorded.samples.withLock { $0 += [http, dns] }
                }
            }
        }
        task.withLock { $0 = loop }
    }

    deinit {
        task.withLock { $0?.cancel() }
    }

    /// Stops the loop and waits for its last round to end.
    func stop() async {
        let loop = task.withLock { $0 }
        loop?.cancel()
        await loop?.value
    }

    var samples: [Sample] { recorded.samples.withLock { $0 } }

    /// Waits until every node has made `rounds` of each kind of request that started after `since`.
    func waitForRounds(_ rounds: Int, since: ContinuousClock.Instant, nodes: [String], timeout: Duration = .seconds(20)) async throws {
        try await waitUntil("\(rounds) rounds of traffic from every node", timeout: timeout) {
            let after = self.samples.filter { $0.start >= since }
            return nodes.allSatisfy { node in
                [Kind.http, .dns].allSatisfy { kind in after.filter { $0.node == node && $0.kind == kind }.count >= rounds }
            }
        }
    }
}
