import Foundation
import SkiffAPI

/// How far a Service's registration has gone, step by step, from the store's own records: when the apiserver
/// received the request that wrote the Service's current version, authenticated and authorized it, allocated its
/// ClusterIP and finished admission (the request timing kept with the version), when that version committed, when
/// its Endpoints were written, and when the cluster DNS and each Ready node's proxy reported having acted on that
/// revision (their Leases' `skiff.dev/programmed-revision`, see `ApplyWaiter`). Every time is the apiserver's wall
/// clock, so the steps are on one clock.
public struct RegistrationTimeline: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        /// received, authorized, allocated, admitted, persisted, endpoints, dns, proxy NODE
        public var name: String
        /// When the step ended; nil while it is pending or when the store does not know.
        public var at: Date?
        /// How long the step took: from the end of the step it waited for (the one before it during the request;
        /// the commit for endpoints, DNS and proxies) to its own end.
        public var took: TimeInterval?
        public var done: Bool
        public var detail: String
    }

    /// The Service's current revision, which every later step is measured against.
    public var revision: Int64
    /// The first step's time (the request's arrival, or the commit when the request timing is unknown).
    public var start: Date?
    public var steps: [Step]

    /// Histories as the apiserver returns them (`since` the Service's revision for the others).
    public init(service: ObjectHistory<Service>, endpoints: ObjectHistory<Endpoints>?, dns: ObjectHistory<Lease>?,
                proxies: [(node: String, lease: ObjectHistory<Lease>?)]) {
        let current = service.items.last { $0.type != "DELETED" }
        revision = current?.revision ?? 0
        var steps = current.map(Self.requestSteps) ?? []
        let committed = current?.committed?.date
        let ip = current?.object.spec?.clusterIP ?? ""
        let created = current?.type == "ADDED"
        steps.append(Step(name: "persisted", at: committed, took: Self.interval(from: steps.last?.at, to: committed), done: current != nil,
                          detail: "revision \(revision)" + (created ? ", created" : ", updated") + (ip.isEmpty ? "" : ", ClusterIP \(ip)")))
        start = steps.first?.at
        let revision = revision
        func after(_ at: Date?) -> TimeInterval? { Self.interval(from: committed, to: at) }
        if current?.object.spec?.selector?.isEmpty == false {
            if let written = endpoints?.first(from: revision) {
                let ready = written.object.subsets?.reduce(0) { $0 + ($1.addresses?.count ?? 0) } ?? 0
                steps.append(Step(name: "endpoints", at: written.committed?.date, took: after(written.committed?.date), done: true,
                                  detail: "Endpoints at revision \(written.revision), \(ready) ready address\(ready == 1 ? "" : "es")"))
            } else {
                steps.append(Step(name: "endpoints", at: nil, took: nil, done: false, detail: "no Endpoints written since revision \(revision)"))
            }
        }
        var reported = [Self.programmed("dns", holder: "coredns-controller", lease: dns, revision: revision)]
        for proxy in proxies {
            reported.append(Self.programmed("proxy \(proxy.node)", holder: "kube-proxy-\(proxy.node)", lease: proxy.lease, revision: revision))
        }
        self.steps = steps + reported.map { step in
            var step = step
            step.took = after(step.at)
            return step
        }
    }

    /// The steps inside the request that wrote `version`, from its timing: none when it has no timing (written by
    /// the apiserver itself, or before timings were kept). Each took from the end of the one before.
    static func requestSteps(_ version: ObjectVersion<Service>) -> [Step] {
        guard let timing = version.timing else { return [] }
        let received = timing.received.date
        var steps = [Step(name: "received", at: received, took: nil, done: true, detail: "the request reached the apiserver")]
        let authorized = timing.authorized?.date
        if let authorized {
            steps.append(Step(name: "authorized", at: authorized, took: interval(from: received, to: authorized), done: true,
                              detail: "authenticated and authorized"))
        }
        if let started = timing.allocationStarted?.date, let allocated = timing.allocated?.date {
            steps.append(Step(name: "allocated", at: allocated, took: interval(from: started, to: allocated), done: true,
                              detail: "ClusterIP \(version.object.spec?.clusterIP ?? "") (during admission)"))
        }
        if let admitted = timing.admitted?.date {
            steps.append(Step(name: "admitted", at: admitted, took: interval(from: authorized ?? received, to: admitted), done: true,
                              detail: "admission chain done (defaulting, validation, allocation, quota)"))
        }
        return steps
    }

    /// The first Lease version that reports `revision` programmed.
    static func programmed(_ name: String, holder: String, lease: ObjectHistory<Lease>?, revision: Int64) -> Step {
        guard let lease else { return Step(name: name, at: nil, took: nil, done: false, detail: "\(holder): no Lease (not running)") }
        if let reached = lease.first(where: { $0.programmedRevision >= revision }) {
            return Step(name: name, at: reached.committed?.date, took: nil, done: true,
                        detail: "\(holder) at revision \(reached.object.programmedRevision)")
        }
        let at = lease.items.last?.object.programmedRevision ?? 0
        return Step(name: name, at: nil, took: nil, done: false, detail: "\(holder) at revision \(at), not yet \(revision)")
    }

    static func interval(from start: Date?, to end: Date?) -> TimeInterval? {
        guard let start, let end else { return nil }
        return max(end.timeIntervalSince(start), 0)
    }

    /// "+12.3 ms" after the start, "pending", or "done" when the time is unknown.
    public func offset(_ step: Step) -> String {
        guard step.done else { return "pending" }
        guard let ms = Self.interval(from: start, to: step.at).map({ $0 * 1000 }) else { return "done" }
        return "+" + Self.format(ms)
    }

    /// "420 µs", "4.2 ms", or "-" when the step is pending or its duration unknown (the first step).
    public func took(_ step: Step) -> String {
        guard step.done, let took = step.took else { return "-" }
        return Self.format(took * 1000)
    }

    /// Microseconds below 1 ms (the request's own steps take a few), one decimal below 10 ms, none above.
    static func format(_ ms: Double) -> String {
        ms < 1 ? String(format: "%.0f µs", ms * 1000) : ms < 10 ? String(format: "%.1f ms", ms) : String(format: "%.0f ms", ms)
    }
}
