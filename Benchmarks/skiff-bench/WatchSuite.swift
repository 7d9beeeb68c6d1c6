import ArgumentParser
import Foundation
import SkiffMessaging

/// Which benchmarks `skiff-bench` runs.
enum BenchSuite: String, ExpressibleByArgument, CaseIterable, Sendable {
    case apiserver, watch, endpoints, dns, proxy, programming, all
}

/// Settings of the watch suite (issue 3).
struct WatchBenchOptions: ParsableArguments {
    @Option(help: "Paced writes per second in the latency runs.")
    var watchRate: Int = 1_000

    @Option(help: "Seconds of paced writes per subscriber count in the latency runs.")
    var watchSeconds: Int = 5

    @Option(help: "Creates in the fan-out run (written as fast as possible, 64 in flight).")
    var fanoutCreates: Int = 20_000

    @Option(help: "Services stored for the relist run.")
    var relistObjects: Int = 10_000

    @Flag(help: "Run only the watch suite's decode micro-measurement.")
    var watchDecodeOnly = false

    @Flag(help: "Run only the decode micro-measurement and the fan-out from a publisher in the bench process (no apiserver writes).")
    var watchPublisherOnly = false

    @Flag(help: "Run only the decode micro-measurement and the fan-out runs (through the apiserver and from a bare publisher).")
    var watchFanoutOnly = false

    @Option(help: .hidden)
    var subscriberOf: String?

    @Option(help: .hidden)
    var subscriberExpect: Int = 0
}

/// The watch benchmarks of issue 3: a fresh release apiserver per run, real informers in this process.
struct WatchSuite {
    let bin: String
    let options: WatchBenchOptions

    func run() async throws {
        print("## Watch (issue 3): real `Informer<Service>`s in the bench process, apiserver in its own process\n")
        print("Load average (1/5/15 min) at the start of the watch suite: \(loadAverage())\n")
        let sample = try await decode()
        if options.watchDecodeOnly { return }
        if options.watchPublisherOnly {
            let bare = try await WatchPublisherFanOutLoad(sample: sample, subscribers: 10, events: options.fanoutCreates).run()
            print(String(format: "publisher fan-out: %d events delivered, %.0f events/s, %.2f cores, %d relists", bare.delivered,
                         bare.eventsPerSecond, bare.clientCores, bare.relists))
            return
        }
        if options.watchFanoutOnly {
            try await fanOut(sample: sample)
            return
        }
        try await latency()
        try await fanOut(sample: sample)
        try await relist()
        print("\nLoad average (1/5/15 min) at the end of the watch suite: \(loadAverage())")
    }

    /// The CPU an informer spends per event on decoding, on a Service as the apiserver stores it.
    /// Returns the stored Service it measured on.
    private func decode() async throws -> Data {
        let server = try await APIServerProcess.start(bin: bin)
        defer { server.stop() }
        let connection = try Connection(endpoint: server.endpoint)
        defer { connection.close() }
        let response = try await connection.call(serviceCreate("decode-sample"), timeout: .seconds(30))
        guard response.code == 201 else { throw BenchError("create: \(response.code)") }
        print("### Decoding one watch event (a stored Service of \(response.body.count) bytes), single thread\n")
        print("| what | µs per event |")
        print("|---|---:|")
        for (what, micros) in WatchDecodeBench(sample: response.body).run() {
            print(String(format: "| %@ | %.2f |", what, micros))
        }
        print("")
        return response.body
    }

    private func latency() async throws {
        print("### Commit → handler latency, \(options.watchRate) creates/s paced for \(options.watchSeconds) s (after 1 s of unrecorded warm-up writes)\n")
        print("""
            The apiserver does not expose commit times. The commit happens after the request is sent and before the \
            reply arrives, so commit → handler lies between the two columns: **request → handler** (an upper bound: \
            includes the request's transit, the apiserver's work and the fsync) and **reply → handler** (a lower \
            bound; deliveries whose handler ran before the writer had its reply count as 0, their share is shown).
            The writer, every informer and its handler task share this process: with 50 informers on 2 cores the \
            numbers measure the client's CPU as much as the watch.

            """)
        print("| subscribers | creates | creates/s | request → handler p50 ms | p99 ms | reply → handler p50 ms | p99 ms | handler before reply | missing | relists | bench process CPU (cores) |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for subscribers in [1, 10, 50] {
            let server = try await APIServerProcess.start(bin: bin)
            defer { server.stop() }
            let result = try await WatchLatencyLoad(endpoint: server.endpoint, subscribers: subscribers,
                                                    rate: options.watchRate, seconds: options.watchSeconds).run()
            print(String(format: "| %d | %d | %.0f | %.2f | %.2f | %.2f | %.2f | %.0f%% | %d | %d | %.2f |", subscribers, result.writes,
                         result.writeRate, result.requestP50, result.requestP99, result.replyP50, result.replyP99,
                         result.beforeReply * 100, result.missing, result.relists, result.clientCores))
        }
    }

    private func fanOut(sample: Data) async throws {
        let subscribers = 10
        print("\n### Fan-out: \(subscribers) subscribers, the writer as fast as it goes\n")
        print("""
            Events delivered to `onAdd` handlers, in total over all subscribers (each informer decodes each event \
            itself). Single creates (64 in flight) are as the issue asks; the writer then shares the 2 cores with \
            the informers and limits the rate. The second row writes the same number of Services as `apply` Lists \
            of 1,000 (one transaction each, 2 in flight): fewer requests, events in bursts of 1,000. The bench \
            process's CPU shows how much of the 2 cores the informers (and the writer) had.

            """)
        print("| writer | subscribers | creates | creates/s | events delivered | events/s (first write → last delivery) | best 1 s window events/s | relists | bench process CPU (cores) |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for (writer, batch, inFlight) in [("create, 64 in flight", 1, 64), ("apply of 1,000, 2 in flight", 1_000, 2)] {
            let server = try await APIServerProcess.start(bin: bin)
            defer { server.stop() }
            let result = try await WatchFanOutLoad(endpoint: server.endpoint, subscribers: subscribers,
                                                   creates: options.fanoutCreates, inFlight: inFlight, batch: batch).run()
            let peak = result.peakPerSecond > 0 ? String(format: "%.0f", result.peakPerSecond) : "n/a (run < 1 s)"
            print(String(format: "| %@ | %d | %d | %.0f | %d | %.0f | %@ | %d | %.2f |", writer, subscribers, options.fanoutCreates,
                         result.createRate, result.delivered, result.eventsPerSecond, peak, result.relists,
                         result.clientCores))
        }
        do {
            let server = try await APIServerProcess.start(bin: bin)
            defer { server.stop() }
            let result = try await WatchFanOutProcessesLoad(bin: bin, endpoint: server.endpoint, subscribers: subscribers,
                                                            creates: options.fanoutCreates, inFlight: 64).run()
            let note = result.timedOut > 0 ? " (\(result.timedOut) timed out)" : ""
            print(String(format: "| create, 64 in flight; each subscriber a process of its own%@ | %d | %d | %.0f | %d | %.0f | – | %d | %.2f writer + %.2f subscribers |",
                         note, subscribers, options.fanoutCreates, result.createRate, result.delivered, result.eventsPerSecond,
                         result.relists, result.writerCores, result.subscriberCores))
        }
        let bare = try await WatchPublisherFanOutLoad(sample: sample, subscribers: subscribers, events: options.fanoutCreates).run()
        print(String(format: "| none: a `WatchPublisher` in this process fed %d stored Services at once (no apiserver) | %d | %d | – | %d | %.0f | – | %d | %.2f |",
                     options.fanoutCreates, subscribers, options.fanoutCreates, bare.delivered, bare.eventsPerSecond, bare.relists,
                     bare.clientCores))
    }

    private func relist() async throws {
        print("\n### List and relist of \(options.relistObjects) stored Services\n")
        let server = try await APIServerProcess.start(bin: bin)
        defer { server.stop() }
        let result = try await WatchRelistLoad(server: server, objects: options.relistObjects, trials: 3).run()
        let firsts = result.firstLists.map { String(format: "%.0f", $0) }.joined(separator: " / ")
        print("""
            The informer has no forced relist; a restart of the apiserver (new epoch) makes a running informer relist. \
            That time includes ZeroMQ's reconnect backoff (100 ms doubling to 1 s) before the welcome bookmark.

            """)
        print("| what | objects in cache | ms |")
        print("|---|---:|---:|")
        print("| first list: new informer → `waitForSync` (3 fresh informers) | \(result.cached) | \(firsts) |")
        print(String(format: "| relist after an apiserver restart: new request socket up → relist applied | %d | %.0f |",
                     result.cachedAfterRelist, result.relistAfterUp))
        print(String(format: "| same, from the kill (includes the apiserver's restart) | %d | %.0f |",
                     result.cachedAfterRelist, result.relistAfterKill))
    }
}
