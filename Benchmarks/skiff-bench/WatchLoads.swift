import Foundation
import SkiffAPI
import SkiffMessaging
import Synchronization

/// Commit → handler latency: `subscribers` informers, a writer creating Services at a paced `rate` for `seconds`.
/// The apiserver does not expose commit times; the commit happens after the request is sent and before the reply
/// arrives, so "request → handler" bounds commit → handler from above and "reply → handler" from below.
struct WatchLatencyLoad {
    let endpoint: String
    let subscribers: Int
    let rate: Int
    let seconds: Int

    struct Result {
        var writes: Int
        var writeRate: Double
        var requestP50: Double, requestP99: Double
        var replyP50: Double, replyP99: Double
        /// Share of deliveries whose handler ran before the writer had its reply (counted as 0 in reply → handler).
        var beforeReply: Double
        var missing: Int
        var relists: Int
        /// CPU used by this process (writer and informers) per second of the measured writes, in cores.
        var clientCores: Double
    }

    /// A second of unrecorded writes at the same pace (sequential), until every informer has seen them: the first
    /// creates of a fresh apiserver and the first events of a fresh informer are slower than the steady state.
    private func warmUp(_ writer: Connection, _ group: Subscribers) async throws {
        var last: Int64 = 0
        let start = ContinuousClock.now
        for index in 0..<rate {
            try await Task.sleep(until: start + Duration.seconds(1) / rate * index, clock: .continuous)
            let response = try await writer.call(serviceCreate("warm\(subscribers)-\(index)"), timeout: .seconds(30))
            guard response.code == 201 else { throw BenchError("create: \(response.code)") }
            last = max(last, ObjectCache<Service>.revision(of: try JSONDecoder().decode(Service.self, from: response.body)))
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while group.informers.contains(where: { $0.lastSyncRevision < last }), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    private struct Write: Sendable { var revision: Int64; var sent: ContinuousClock.Instant; var replied: ContinuousClock.Instant }

    func run() async throws -> Result {
        let prefix = "lat\(subscribers)-"
        let group = try await Subscribers.start(count: subscribers, endpoint: endpoint, prefix: prefix, recordTimes: true)
        let writer = try Connection(endpoint: endpoint)
        defer { writer.close() }
        do { try await warmUp(writer, group) } catch { await group.stop(); throw error }
        let total = rate * seconds
        let writes = Locked<[Write]>([])
        let interval = Duration.seconds(1) / rate
        let start = ContinuousClock.now + .milliseconds(10)
        let cpu = processCPUSeconds()
        do {
            // A paced loop: write i is started at start + i × interval, however many are still in flight.
            try await withThrowingDiscardingTaskGroup { tasks in
                for index in 0..<total {
                    try await Task.sleep(until: start + interval * index, clock: .continuous)
                    tasks.addTask {
                        let sent = ContinuousClock.now
                        let response = try await writer.call(serviceCreate("\(prefix)\(index)"), timeout: .seconds(30))
                        let replied = ContinuousClock.now
                        guard response.code == 201 else { throw BenchError("create: \(response.code)") }
                        let revision = ObjectCache<Service>.revision(of: try JSONDecoder().decode(Service.self, from: response.body))
                        writes.withLock { $0.append(Write(revision: revision, sent: sent, replied: replied)) }
                    }
                }
            }
        } catch {
            await group.stop()
            throw error
        }
        let elapsed = (ContinuousClock.now - start).milliseconds / 1000
        let clientCores = (processCPUSeconds() - cpu) / elapsed
        _ = await group.waitForDelivered(total * subscribers, timeout: .seconds(60))
        let relists = group.relists
        await group.stop()

        let all = writes.withLock { $0 }
        var fromRequest: [Double] = [], fromReply: [Double] = []
        var missing = 0, early = 0
        fromRequest.reserveCapacity(all.count * subscribers)
        fromReply.reserveCapacity(all.count * subscribers)
        for arrivals in group.arrivals {
            let seen = arrivals.byRevision()
            for write in all {
                guard let at = seen[write.revision] else { missing += 1; continue }
                fromRequest.append((at - write.sent).milliseconds)
                if at < write.replied { early += 1 }
                fromReply.append(max(at - write.replied, .zero).milliseconds)
            }
        }
        fromRequest.sort()
        fromReply.sort()
        return Result(writes: total, writeRate: Double(total) / elapsed,
                      requestP50: percentile(fromRequest, 0.5), requestP99: percentile(fromRequest, 0.99),
                      replyP50: percentile(fromReply, 0.5), replyP99: percentile(fromReply, 0.99),
                      beforeReply: fromReply.isEmpty ? 0 : Double(early) / Double(fromReply.count),
                      missing: missing, relists: relists, clientCores: clientCores)
    }
}

/// Fan-out: `subscribers` informers, a writer as fast as it goes (`inFlight` outstanding); events reaching handlers.
struct WatchFanOutLoad {
    let endpoint: String
    let subscribers: Int
    let creates: Int
    let inFlight: Int
    /// 1: one create per request; more: `apply` of Lists this long (one transaction each), for a faster writer.
    var batch = 1

    struct Result {
        var createRate: Double
        /// CPU used by this process (writer and informers) per second of the run, in cores.
        var clientCores: Double
        var delivered: Int
        /// All deliveries over the time from the first write to the last delivery.
        var eventsPerSecond: Double
        /// The best one-second window (sampled every 100 ms).
        var peakPerSecond: Double
        var relists: Int
    }

    func run() async throws -> Result {
        let group = try await Subscribers.start(count: subscribers, endpoint: endpoint, prefix: "fan-", recordTimes: false)
        let writer = try Connection(endpoint: endpoint)
        defer { writer.close() }
        let expected = creates * subscribers
        let start = ContinuousClock.now
        let sampler = Task {
            var samples: [(at: ContinuousClock.Instant, delivered: Int)] = [(start, 0)]
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
                samples.append((ContinuousClock.now, group.delivered))
            }
            return samples
        }
        let cpu = processCPUSeconds()
        let createRate: Double
        do {
            if batch > 1 {
                createRate = try await applyBatches(writer)
            } else {
                createRate = try await CreateLoad(connection: writer, namespace: "default", prefix: "fan-", count: creates, inFlight: inFlight).run().rate
            }
        } catch {
            sampler.cancel()
            await group.stop()
            throw error
        }
        _ = await group.waitForDelivered(expected, timeout: .seconds(60))
        let end = ContinuousClock.now
        let clientCores = (processCPUSeconds() - cpu) / ((end - start).milliseconds / 1000)
        sampler.cancel()
        let samples = await sampler.value + [(end, group.delivered)]
        let delivered = group.delivered
        let relists = group.relists
        await group.stop()

        var peak = 0.0
        for (i, first) in samples.enumerated() {
            guard let j = samples[i...].firstIndex(where: { $0.at - first.at >= .seconds(1) }) else { break }
            peak = max(peak, Double(samples[j].delivered - first.delivered) / ((samples[j].at - first.at).milliseconds / 1000))
        }
        return Result(createRate: createRate, clientCores: clientCores, delivered: delivered,
                      eventsPerSecond: Double(delivered) / ((end - start).milliseconds / 1000),
                      peakPerSecond: peak, relists: relists)
    }
}

extension WatchFanOutLoad {
    /// Writes `creates` Services as Lists of `batch` through `apply`, `inFlight` requests outstanding; creates/s.
    private func applyBatches(_ writer: Connection) async throws -> Double {
        let next = Counter()
        let (creates, batch) = (creates, batch)
        let start = ContinuousClock.now
        try await withThrowingDiscardingTaskGroup { group in
            for _ in 0..<inFlight {
                group.addTask {
                    while true {
                        let first = next.take() * batch
                        guard first < creates else { return }
                        let response = try await writer.call(serviceApply(prefix: "fan-", from: first, count: min(batch, creates - first)),
                                                             timeout: .seconds(60))
                        guard response.code == 200 else {
                            throw BenchError("apply: \(response.code) \(String(decoding: response.body.prefix(300), as: UTF8.self))")
                        }
                    }
                }
            }
        }
        return Double(creates) / ((ContinuousClock.now - start).milliseconds / 1000)
    }
}

/// Relist of `objects` stored Services: a fresh informer's first list (until `waitForSync`), and the relist a
/// running informer does when the apiserver restarts (a new epoch). The informer API has no forced relist.
struct WatchRelistLoad {
    let server: APIServerProcess
    let objects: Int
    let trials: Int

    struct Result {
        var cached: Int
        /// New informer → `waitForSync`, per trial (ms).
        var firstLists: [Double]
        /// Restart: from the new apiserver's request socket existing, and from the kill, to the relist applied (ms).
        var relistAfterUp: Double
        var relistAfterKill: Double
        var cachedAfterRelist: Int
    }

    func run() async throws -> Result {
        do {
            let seeding = try Connection(endpoint: server.endpoint)
            defer { seeding.close() }
            _ = try await CreateLoad(connection: seeding, namespace: "default", prefix: "rel-", count: objects, inFlight: 64).run()
        }

        var firstLists: [Double] = []
        var cached = 0
        for _ in 0..<trials {
            let started = ContinuousClock.now
            let group = try await Subscribers.start(count: 1, endpoint: server.endpoint, prefix: "rel-", recordTimes: false)
            firstLists.append((ContinuousClock.now - started).milliseconds)
            cached = group.informers[0].list().count
            await group.stop()
        }

        let group = try await Subscribers.start(count: 1, endpoint: server.endpoint, prefix: "rel-", recordTimes: false)
        let informer = group.informers[0]
        let killed = ContinuousClock.now
        _ = try await server.restartAndMeasure()
        let up = ContinuousClock.now
        let deadline = up + .seconds(60)
        while informer.statistics.lists < 2 {
            guard ContinuousClock.now < deadline else { await group.stop(); throw BenchError("the informer did not relist after the restart") }
            try await Task.sleep(for: .milliseconds(1))
        }
        let relisted = ContinuousClock.now
        let after = informer.list().count
        await group.stop()
        return Result(cached: cached, firstLists: firstLists, relistAfterUp: (relisted - up).milliseconds,
                      relistAfterKill: (relisted - killed).milliseconds, cachedAfterRelist: after)
    }
}
