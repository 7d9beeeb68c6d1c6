import Foundation
import SkiffMessaging

/// The cluster DNS benchmark of issue 5: a release apiserver and coredns-controller with `services` ClusterIP
/// Services (a named port each) and `headless` headless Services (3 ready endpoints each); dnsperf for `seconds`
/// against it and against Knot serving the same names from a zone file; then the time from a Service change to
/// its answer, and the controller's memory once `memoryEndpoints` endpoints are added.
struct DNSSuite {
    let bin: String
    var services = 10_000
    var headless = 100
    var seconds = 10
    var changes = 200
    var memoryEndpoints = 100_000
    /// dnsperf's clients (source ports): the kernel spreads a server's SO_REUSEPORT sockets by source port, so one
    /// client would reach one socket of Skiff's and Knot's several.
    var dnsperfClients = 8
    let zone = "cluster.local"

    /// Everything measured, for the closing table.
    struct Summary {
        var skiff = DNSPerfResult()
        var knot: DNSPerfResult?
        var skiffRSS = 0.0, knotRSS = 0.0
        var perfLoad = "", knotLoad = ""
        var syncSeconds = 0.0
        var changesSmall = ChangeLatency(), changesLarge = ChangeLatency()
        var rssServices = 0.0, rssEndpoints = 0.0
        /// The controller's mean publish during each change phase.
        var rebuildSmall = "", rebuildLarge = ""
    }

    /// Service created -> answered, one at a time: from the create's reply (committed) and from its request.
    struct ChangeLatency {
        var replyP50 = 0.0, replyP99 = 0.0, replyMax = 0.0
        var requestP50 = 0.0, requestP99 = 0.0
        var load = ""
    }

    func run() async throws {
        print("## cluster DNS (issue 5): \(services) ClusterIP + \(headless) headless Services, dnsperf \(seconds) s, \(dnsperfClients) clients\n")
        print("Load average at the start: \(loadAverage())\n")
        var summary = Summary()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skiff-dns-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await APIServerProcess.start(bin: bin)
        defer { server.stop() }
        let connection = try Connection(endpoint: server.endpoint)
        defer { connection.close() }
        try await apply(connection, items: serviceItems() + headlessItems(prefix: "hl", count: headless, endpoints: 3))

        let dns = try DNSServerProcess.coreDNS(bin: bin, server: server.endpoint, directory: directory)
        defer { dns.stop() }
        let probe = try DNSProbe(port: dns.port)
        let synced = ContinuousClock.now
        guard probe.wait(for: "svc-\(services - 1).default.svc.\(zone)", timeout: .seconds(120), until: { $0.rcode == 0 && $0.answers == 1 })
        else { throw BenchError("coredns-controller never answered:\n\(dns.log)") }
        summary.syncSeconds = (ContinuousClock.now - synced).seconds
        print(String(format: "coredns-controller started and synced %d Services in %.2f s (RSS %.1f MiB)\n",
                     services + headless, summary.syncSeconds, dns.rssMiB()))

        let queries = directory.appendingPathComponent("queries.txt")
        try queryLines().joined(separator: "\n").appending("\n").write(to: queries, atomically: true, encoding: .utf8)
        summary.skiff = try DNSPerfResult.run(port: dns.port, queries: queries, seconds: seconds, clients: dnsperfClients)
        summary.perfLoad = loadAverage()
        summary.skiffRSS = dns.rssMiB()

        if FileManager.default.isExecutableFile(atPath: "/usr/sbin/knotd") {
            let zoneFile = directory.appendingPathComponent("\(zone).zone")
            try zoneText().write(to: zoneFile, atomically: true, encoding: .utf8)
            let knot = try DNSServerProcess.knot(zone: zone, zoneFile: zoneFile, directory: directory)
            defer { knot.stop() }
            let knotProbe = try DNSProbe(port: knot.port)
            guard knotProbe.wait(for: "svc-\(services - 1).default.svc.\(zone)", timeout: .seconds(60), until: { $0.rcode == 0 && $0.answers == 1 })
            else { throw BenchError("knotd never answered:\n\(knot.log)") }
            summary.knot = try DNSPerfResult.run(port: knot.port, queries: queries, seconds: seconds, clients: dnsperfClients)
            summary.knotLoad = loadAverage()
            summary.knotRSS = knot.rssMiB()
        } else {
            print("knotd is not installed (Debian package knot): no comparison.\n")
        }
        print("| server | queries/s | avg latency ms | lost | RSS MiB | load average after |")
        print("|---|---:|---:|---:|---:|---|")
        print(String(format: "| coredns-controller (Skiff) | %.0f | %.3f | %d of %d | %.1f | %@ |", summary.skiff.qps, summary.skiff.averageMs,
                     summary.skiff.lost, summary.skiff.sent, summary.skiffRSS, summary.perfLoad))
        if let knot = summary.knot {
            print(String(format: "| Knot %@ (zone file) | %.0f | %.3f | %d of %d | %.1f | %@ |", knotVersion(), knot.qps, knot.averageMs,
                         knot.lost, knot.sent, summary.knotRSS, summary.knotLoad))
            print(String(format: "\nRatio Skiff / Knot: %.2f", summary.skiff.qps / knot.qps))
        }
        print()

        let totalsBefore = dns.histogramTotals()
        summary.changesSmall = try await measureChanges(connection, probe: probe, prefix: "chg", label: "\(services) Services")
        let totalsSmall = dns.histogramTotals()
        summary.rssServices = dns.rssMiB()
        try await loadEndpoints(connection, dns: dns, probe: probe)
        summary.rssEndpoints = dns.rssMiB()
        let totalsLoaded = dns.histogramTotals()
        summary.changesLarge = try await measureChanges(
            connection, probe: probe, prefix: "chg-big", label: "\(services) Services and \(memoryEndpoints) endpoints")
        let totals = dns.histogramTotals()
        print("coredns-controller's own histograms after the changes:\n\n```\n" + totals.joined(separator: "\n") + "\n```\n")
        let metric = "skiff_dns_rebuild_duration_seconds"
        summary.rebuildSmall = Self.meanMilliseconds(from: totalsBefore, to: totalsSmall, metric: metric)
        summary.rebuildLarge = Self.meanMilliseconds(from: totalsLoaded, to: totals, metric: metric)
        printSummary(summary)
    }

    /// Creates `changes` ClusterIP Services one at a time; for each, the time from the create's reply (committed)
    /// to the first UDP answer with its A record.
    private func measureChanges(_ connection: Connection, probe: DNSProbe, prefix: String, label: String) async throws -> ChangeLatency {
        var fromReply: [Double] = []
        var fromRequest: [Double] = []
        for index in 0..<changes {
            let name = "\(prefix)-\(index)"
            let sent = ContinuousClock.now
            try await apply(connection, items: [serviceItem(name)])
            let replied = ContinuousClock.now
            guard probe.wait(for: "\(name).default.svc.\(zone)", timeout: .seconds(10), until: { $0.rcode == 0 && $0.answers == 1 })
            else { throw BenchError("\(name) never answered") }
            let answered = ContinuousClock.now
            fromReply.append((answered - replied).seconds * 1000)
            fromRequest.append((answered - sent).seconds * 1000)
        }
        fromReply.sort()
        fromRequest.sort()
        let result = ChangeLatency(
            replyP50: percentile(fromReply, 0.5), replyP99: percentile(fromReply, 0.99), replyMax: fromReply.last ?? 0,
            requestP50: percentile(fromRequest, 0.5), requestP99: percentile(fromRequest, 0.99), load: loadAverage())
        print("Service created -> its A record answered over UDP (\(changes) changes, one at a time, \(label) in the zone):\n")
        print("| from | p50 ms | p99 ms | max ms |")
        print("|---|---:|---:|---:|")
        print(String(format: "| create reply (committed) | %.2f | %.2f | %.2f |", result.replyP50, result.replyP99, result.replyMax))
        print(String(format: "| create request sent | %.2f | %.2f | %.2f |", result.requestP50, result.requestP99, fromRequest.last ?? 0))
        print("\nLoad average after: \(result.load)\n")
        return result
    }

    /// Adds headless Services with 100 ready endpoints each until `memoryEndpoints` endpoints exist, and waits for
    /// the last one to be answered.
    private func loadEndpoints(_ connection: Connection, dns: DNSServerProcess, probe: DNSProbe) async throws {
        let count = memoryEndpoints / 100
        try await apply(connection, items: headlessItems(prefix: "mem", count: count, endpoints: 100))
        guard probe.wait(for: "mem-\(count - 1).default.svc.\(zone)", timeout: .seconds(120), until: { $0.rcode == 0 })
        else { throw BenchError("mem-\(count - 1) never answered:\n\(dns.log)") }
    }

    /// The mean of a controller histogram between two reads of its `_sum` and `_count` lines, in ms.
    static func meanMilliseconds(from before: [String], to after: [String], metric: String) -> String {
        func value(_ totals: [String], _ suffix: String) -> Double {
            totals.first { $0.hasPrefix(metric + suffix) }.flatMap { $0.split(separator: " ").last.flatMap { Double($0) } } ?? 0
        }
        let sum = value(after, "_sum") - value(before, "_sum")
        let count = value(after, "_count") - value(before, "_count")
        guard count > 0 else { return "n/a" }
        return String(format: "%.3f ms (%.0f publishes)", sum / count * 1000, count)
    }

    /// One table with every number of the run (what docs/BENCHMARKS.md records).
    private func printSummary(_ s: Summary) {
        let knotQPS = s.knot.map { String(format: "%.0f", $0.qps) } ?? "n/a"
        let ratio = s.knot.map { String(format: "%.2f", s.skiff.qps / $0.qps) } ?? "n/a"
        let knotLatency = s.knot.map { String(format: "%.3f", $0.averageMs) } ?? "n/a"
        print("### Summary\n")
        print("| measure | value | load average |")
        print("|---|---:|---|")
        print("| queries/s Skiff (\(dnsperfClients) dnsperf clients) | \(String(format: "%.0f", s.skiff.qps)) | \(s.perfLoad) |")
        print("| queries/s Knot | \(knotQPS) | \(s.knotLoad) |")
        print("| ratio Skiff / Knot | \(ratio) | |")
        print("| avg latency ms Skiff / Knot | \(String(format: "%.3f", s.skiff.averageMs)) / \(knotLatency) | |")
        print("| first sync of \(services + headless) Services | \(String(format: "%.2f s", s.syncSeconds)) | |")
        print("| RSS, \(services + headless + changes) Services | \(String(format: "%.1f MiB", s.rssServices)) | |")
        print("| RSS, plus \(memoryEndpoints) endpoints | \(String(format: "%.1f MiB", s.rssEndpoints)) | |")
        for (label, c) in [("\(services) Services", s.changesSmall), ("\(services) Services + \(memoryEndpoints) endpoints", s.changesLarge)] {
            print("| change -> answer p50 / p99 (from commit), \(label) | \(String(format: "%.2f / %.2f ms", c.replyP50, c.replyP99)) | \(c.load) |")
        }
        print("| controller publish (rebuild + swap + report) per change, mean, \(services) Services | \(s.rebuildSmall) | |")
        print("| the same with \(memoryEndpoints) endpoints | \(s.rebuildLarge) | |")
        print()
    }

    // MARK: - Objects, queries, zone file

    private func serviceItem(_ name: String) -> String {
        #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"\#(name)","namespace":"default"},"spec":{"ports":[{"name":"http","port":80,"targetPort":8080}]}}"#
    }

    private func serviceItems() -> [String] { (0..<services).map { serviceItem("svc-\($0)") } }

    /// Headless Services without selector, each with one EndpointSlice of `endpoints` ready addresses 127.244.X.Y.
    private func headlessItems(prefix: String, count: Int, endpoints: Int) -> [String] {
        (0..<count).flatMap { index -> [String] in
            let addresses = (0..<endpoints).map { #"{"addresses":["\#(ip(index * endpoints + $0, base: prefix == "hl" ? 200 : 0))"],"conditions":{"ready":true}}"# }
            return [
                #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"\#(prefix)-\#(index)","namespace":"default"},"spec":{"clusterIP":"None","ports":[{"name":"http","port":80}]}}"#,
                #"{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"\#(prefix)-\#(index)-a","namespace":"default","labels":{"kubernetes.io/service-name":"\#(prefix)-\#(index)"}},"addressType":"IPv4","ports":[{"name":"http","protocol":"TCP","port":80}],"endpoints":[\#(addresses.joined(separator: ","))]}"#,
            ]
        }
    }

    private func ip(_ index: Int, base: Int) -> String { "127.\(base + index / 62_500 % 50).\(index / 250 % 250).\(index % 250 + 1)" }

    private func apply(_ connection: Connection, items: [String]) async throws {
        for start in stride(from: 0, to: items.count, by: 500) {
            let body = #"{"apiVersion":"v1","kind":"List","items":["# + items[start..<min(start + 500, items.count)].joined(separator: ",") + "]}"
            let response = try await connection.call(Request(verb: .apply, resource: "", namespace: "default", body: Data(body.utf8)), timeout: .seconds(120))
            guard response.code == 200 else { throw BenchError("apply: \(response.code) \(String(decoding: response.body, as: UTF8.self).prefix(300))") }
        }
    }

    /// A: 60 %, SRV: 20 %, NXDOMAIN: 10 %, headless A: 10 %; names spread over the whole zone.
    private func queryLines() -> [String] {
        (0..<20_000).map { index in
            let service = (index &* 7919) % services
            switch index % 10 {
            case 0...5: return "svc-\(service).default.svc.\(zone) A"
            case 6, 7: return "_http._tcp.svc-\(service).default.svc.\(zone) SRV"
            case 8: return "missing-\(service).default.svc.\(zone) A"
            default: return "hl-\(index % headless).default.svc.\(zone) A"
            }
        }
    }

    /// The same names as a zone file: the ClusterIPs and endpoints as the apiserver allocated them do not matter
    /// for speed, only the shape and size of the answers, so addresses are synthesised.
    private func zoneText() -> String {
        var lines = [
            "$ORIGIN \(zone).", "$TTL 5",
            "@ IN SOA ns.dns.\(zone). hostmaster.\(zone). 1 7200 1800 86400 5",
            "@ IN NS ns.dns.\(zone).", "ns.dns IN A 127.96.0.10",
        ]
        lines.reserveCapacity(services * 2 + headless * 4 + 8)
        for index in 0..<services {
            lines.append("svc-\(index).default.svc IN A 127.96.\(index / 250 + 1).\(index % 250 + 1)")
            lines.append("_http._tcp.svc-\(index).default.svc IN SRV 0 100 80 svc-\(index).default.svc.\(zone).")
        }
        for index in 0..<headless {
            for endpoint in 0..<3 { lines.append("hl-\(index).default.svc IN A \(ip(index * 3 + endpoint, base: 200))") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func knotVersion() -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/knotd")
        process.arguments = ["--version"]
        let out = Pipe()
        process.standardOutput = out
        guard (try? process.run()) != nil else { return "" }
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
    }
}
