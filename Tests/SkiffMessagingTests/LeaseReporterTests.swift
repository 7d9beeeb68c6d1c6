import Logging
import SkiffAPI
@testable import SkiffMessaging
import SkiffTesting
import Synchronization
import Testing

/// The Lease reporter's pacing on a manual clock: a report after a quiet spell is written at once, a burst
/// becomes one write per minimum interval with the newest revision, failures are retried, the Lease is renewed.
struct LeaseReporterTests {
    /// Records each Lease written (its programmed revision and the clock's time); fails while told to.
    final class RecordingWriter: LeaseWriter {
        struct Write: Equatable { var revision: Int64?; var at: Duration }
        let clock: TestClock
        let writes = Mutex<[Write]>([])
        let failures = Mutex(0)
        init(clock: TestClock) { self.clock = clock }

        func put(_ lease: Lease) async throws(APIError) {
            if failures.withLock({ count in defer { count = max(count - 1, 0) }; return count > 0 }) {
                throw APIError(code: 503, message: "apiserver away")
            }
            let revision = lease.metadata.annotations?[Lease.programmedRevisionAnnotation].flatMap { Int64($0) }
            writes.withLock { $0.append(Write(revision: revision, at: clock.now.offset)) }
        }

        var all: [Write] { writes.withLock { $0 } }
    }

    let clock = TestClock()
    let options = LeaseReporter.Options(name: "kube-proxy-n1", holder: "n1", renewInterval: .seconds(100),
                                        minInterval: .seconds(1), retryInterval: .seconds(5))

    func start(_ writer: RecordingWriter) -> (LeaseReporter, Task<Void, Never>) {
        let reporter = LeaseReporter(writer: writer, options: options, logger: Logger(label: "test"), clock: clock)
        return (reporter, Task { await reporter.run() })
    }

    /// Waits (real time, bounded) for `condition`: the reporter reacts on another task.
    func eventually(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            await Task.yield()
        }
    }

    @Test func writesAReportAtOnceAfterAQuietSpell() async throws {
        let writer = RecordingWriter(clock: clock)
        let (reporter, task) = start(writer)
        defer { task.cancel() }
        try await eventually { writer.all.count == 1 }  // the first renewal, with no revision yet
        try await eventually { clock.deadlines == [.seconds(100)] }  // waiting for a report or the next renewal
        clock.advance(by: .seconds(5))
        reporter.report(revision: 7)
        // Written without the clock moving: no minimum interval is slept before a write after quiet.
        try await eventually { writer.all.count == 2 }
        #expect(writer.all == [.init(revision: nil, at: .zero), .init(revision: 7, at: .seconds(5))])
    }

    @Test func coalescesABurstIntoOneWritePerMinimumInterval() async throws {
        let writer = RecordingWriter(clock: clock)
        let (reporter, task) = start(writer)
        defer { task.cancel() }
        try await eventually { writer.all.count == 1 }
        for revision in 1...5 { reporter.report(revision: Int64(revision)) }
        // The last write was at 0 s: the burst waits for 1 s, then goes out as one write of the newest revision.
        try await eventually { clock.deadlines == [.seconds(1)] }
        reporter.report(revision: 6)
        #expect(writer.all.count == 1)
        clock.advance(by: .seconds(1))
        try await eventually { writer.all.count == 2 }
        try await eventually { clock.deadlines == [.seconds(101)] }
        #expect(writer.all.last == .init(revision: 6, at: .seconds(1)))
        // Another report right after: not before 2 s.
        reporter.report(revision: 8)
        try await eventually { clock.deadlines == [.seconds(2)] }
        #expect(writer.all.count == 2)
        clock.advance(by: .seconds(1))
        try await eventually { writer.all.count == 3 }
        #expect(writer.all.last == .init(revision: 8, at: .seconds(2)))
    }

    @Test func retriesAFailedWriteAfterTheRetryInterval() async throws {
        let writer = RecordingWriter(clock: clock)
        writer.failures.withLock { $0 = 1 }
        let (reporter, task) = start(writer)
        defer { task.cancel() }
        reporter.report(revision: 3)
        try await eventually { clock.deadlines == [.seconds(5)] }
        #expect(writer.all.isEmpty)
        clock.advance(by: .seconds(5))
        try await eventually { writer.all.count == 1 }
        #expect(writer.all == [.init(revision: 3, at: .seconds(5))])
        #expect(reporter.writtenRevision == 3)
    }

    /// Between reports the loop parks: one wait per write, not a spin (an AsyncStream raced against a sleep
    /// finishes when the race cancels it, and every later wait then returned at once).
    @Test func parksBetweenReports() async throws {
        let writer = RecordingWriter(clock: clock)
        let (reporter, task) = start(writer)
        defer { task.cancel() }
        try await eventually { writer.all.count == 1 }
        for revision in 1...3 {
            try await eventually { clock.deadlines == [.seconds(5 * (revision - 1) + 100)] }
            clock.advance(by: .seconds(5))
            reporter.report(revision: Int64(revision))
            try await eventually { writer.all.count == revision + 1 }
        }
        try await eventually { clock.deadlines == [.seconds(115)] }
        #expect(reporter.wake.waits <= 6, "waits: \(reporter.wake.waits)")
    }

    @Test func renewsAtTheRenewIntervalWithoutReports() async throws {
        let writer = RecordingWriter(clock: clock)
        let (_, task) = start(writer)
        defer { task.cancel() }
        try await eventually { writer.all.count == 1 }
        try await eventually { clock.deadlines == [.seconds(100)] }
        clock.advance(by: .seconds(100))
        try await eventually { writer.all.count == 2 }
        #expect(writer.all == [.init(revision: nil, at: .zero), .init(revision: nil, at: .seconds(100))])
    }
}
