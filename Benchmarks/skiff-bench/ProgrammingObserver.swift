import Foundation
import SkiffAPI
import SkiffMessaging
import Synchronization

/// What the programming benchmark watches, each sighting stamped on this process's continuous clock: every
/// component Lease's programmed revision as it moves (real informers, as `apply --wait` reads the same Leases),
/// each Service's first EndpointSlice with a ready endpoint, and when the cluster DNS first answers each expected
/// name over UDP (`DNSPoller`).
final class ProgrammingObserver: Sendable {
    struct Sighting: Sendable {
        var at: ContinuousClock.Instant
        var revision: Int64
    }

    private struct State {
        /// Per Lease name, its programmed revision each time it moved forward (ascending).
        var leases: [String: [Sighting]] = [:]
        /// Per Service name, its first EndpointSlice with a ready endpoint.
        var slices: [String: Sighting] = [:]
    }

    private final class Box: Sendable { let state = Mutex(State()) }

    private let box = Box()
    private let leases: Informer<Lease>
    private let slices: Informer<EndpointSlice>
    private let tasks: [Task<Void, Never>]
    let dns: DNSPoller

    init(connection: Connection, dnsPort: Int) throws {
        leases = try Informer<Lease>(connection: connection, namespace: "kube-system")
        slices = try Informer<EndpointSlice>(connection: connection, namespace: "default")
        dns = try DNSPoller(port: dnsPort)
        let box = box
        let lease: @Sendable (Lease) -> Void = { lease in
            let now = ContinuousClock.now
            box.state.withLock { state in
                let revision = lease.programmedRevision
                if revision > (state.leases[lease.name]?.last?.revision ?? 0) {
                    state.leases[lease.name, default: []].append(Sighting(at: now, revision: revision))
                }
            }
        }
        leases.addHandlers(onAdd: { lease($0) }, onUpdate: { lease($1) })
        let slice: @Sendable (EndpointSlice) -> Void = { slice in
            let now = ContinuousClock.now
            guard let service = slice.metadata.labels?["kubernetes.io/service-name"],
                  slice.endpoints.contains(where: { $0.conditions?.ready ?? true }) else { return }
            let revision = slice.metadata.resourceVersion.flatMap { Int64($0) } ?? 0
            box.state.withLock { state in
                if state.slices[service] == nil { state.slices[service] = Sighting(at: now, revision: revision) }
            }
        }
        slices.addHandlers(onAdd: { slice($0) }, onUpdate: { slice($1) })
        let (leases, slices) = (leases, slices)
        tasks = [Task { try? await leases.run() }, Task { try? await slices.run() }]
        dns.start()
    }

    func stop() {
        for task in tasks { task.cancel() }
        dns.stop()
    }

    /// When Lease `name` first reported a revision at or past `revision`, if it has.
    func lease(_ name: String, reached revision: Int64) -> ContinuousClock.Instant? {
        box.state.withLock { state in
            guard let sightings = state.leases[name] else { return nil }
            // The first sighting at or past `revision`: a binary search over the ascending revisions.
            var low = 0, high = sightings.count
            while low < high {
                let middle = (low + high) / 2
                if sightings[middle].revision >= revision { high = middle } else { low = middle + 1 }
            }
            return low < sightings.count ? sightings[low].at : nil
        }
    }

    func leaseRevision(_ name: String) -> Int64 { box.state.withLock { $0.leases[name]?.last?.revision ?? 0 } }

    func slice(of service: String) -> Sighting? { box.state.withLock { $0.slices[service] } }

    var slicesSeen: Int { box.state.withLock { $0.slices.count } }
}

/// Polls the cluster DNS for the names it is told to expect, from a thread of its own, and keeps when each first
/// answered with an A record. Asking every pending name every millisecond would load the server it measures, so it
/// asks for the zone's SOA serial (a hash of the served content) every millisecond and asks the pending names only
/// when the serial moved, and at least every `fallback` (so a serial that did not move costs at most that much).
final class DNSPoller: @unchecked Sendable {
    static let zone = "cluster.local"
    let fallback = Duration.milliseconds(10)
    private let probe: DNSProbe
    private let state = Mutex<(pending: Set<String>, answered: [String: ContinuousClock.Instant], stopped: Bool)>(([], [:], false))
    private let finished = DispatchSemaphore(value: 0)

    init(port: Int) throws { probe = try DNSProbe(port: port) }

    func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "skiff-bench.dns-poller"
        thread.start()
    }

    func stop() {
        let running = state.withLock { state in
            defer { state.stopped = true }
            return !state.stopped
        }
        if running { finished.wait() }
    }

    /// Starts polling for `service` (in `default`).
    func expect(_ service: String) { _ = state.withLock { $0.pending.insert(service) } }

    func answered(_ service: String) -> ContinuousClock.Instant? { state.withLock { $0.answered[service] } }

    var pendingCount: Int { state.withLock { $0.pending.count } }

    private func loop() {
        var serial: UInt32?
        var lastRound = ContinuousClock.now
        while !state.withLock({ $0.stopped }) {
            let current = soaSerial()
            if current != serial || ContinuousClock.now - lastRound >= fallback {
                serial = current
                lastRound = .now
                for name in state.withLock({ $0.pending }) {
                    guard let reply = probe.ask("\(name).default.svc.\(Self.zone)"), reply.rcode == 0, reply.answers > 0 else { continue }
                    let now = ContinuousClock.now
                    state.withLock { state in
                        state.pending.remove(name)
                        state.answered[name] = now
                    }
                }
            }
            usleep(1_000)
        }
        finished.signal()
    }

    /// The serial of the zone's SOA: the first record after the question, whether in the answer or (for a
    /// negative answer) the authority section.
    private func soaSerial() -> UInt32? {
        guard let reply = probe.exchange(Self.zone, type: 6), reply.count > 12 else { return nil }
        var index = 12
        guard Self.skipName(reply, &index) else { return nil }
        index += 4
        guard Self.skipName(reply, &index), index + 10 <= reply.count, reply[index] == 0, reply[index + 1] == 6 else { return nil }
        index += 10
        guard Self.skipName(reply, &index), Self.skipName(reply, &index), index + 4 <= reply.count else { return nil }
        return reply[index..<index + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Moves `index` past a (possibly compressed) name; false when the message ends first.
    private static func skipName(_ message: [UInt8], _ index: inout Int) -> Bool {
        while index < message.count {
            let length = Int(message[index])
            if length == 0 { index += 1; return true }
            if length & 0xC0 == 0xC0 { index += 2; return index <= message.count }
            index += length + 1
        }
        return false
    }
}
