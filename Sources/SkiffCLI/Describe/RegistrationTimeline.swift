import Foundation
import SkiffAPI

/// How far a Service's registration has gone, step by step, from the store's own records: when the Service's
/// current version was persisted (admission, the ClusterIP allocation and the write are one request), when its
/// Endpoints were written, and when the cluster DNS and each Ready node's proxy reported having acted on that
/// revision (their Leases' `skiff.dev/programmed-revision`, see `ApplyWaiter`). Every time is a commit time of
/// the store, so the steps are on one clock.
public struct RegistrationTimeline: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        /// persisted, endpoints, dns, proxy NODE
        public var name: String
        /// When the step's write committed; nil while it is pending or when the store does not know.
        public var at: Date?
        public var done: Bool
        public var detail: String
    }

    /// The Service's current revision, which every later step is measured against.
    public var revision: Int64
    public var start: Date?
    public var steps: [Step]

    /// Histories as the apiserver returns them (`since` the Service's revision for the others).
    public init(service: ObjectHistory<Service>, endpoints: ObjectHistory<Endpoints>?, dns: ObjectHistory<Lease>?,
                proxies: [(node: String, lease: ObjectHistory<Lease>?)]) {
        let current = service.items.last { $0.type != "DELETED" }
        revision = current?.revision ?? 0
        start = current?.committed?.date
        let ip = current?.object.spec?.clusterIP ?? ""
        let created = current?.type == "ADDED"
        var steps = [Step(name: "persisted", at: start, done: current != nil,
                          detail: "revision \(revision)" + (created ? ", created" : ", updated") + (ip.isEmpty ? "" : ", ClusterIP \(ip)"))]
        let revision = revision
        if current?.object.spec?.selector?.isEmpty == false {
            if let written = endpoints?.first(from: revision) {
                let ready = written.object.subsets?.reduce(0) { $0 + ($1.addresses?.count ?? 0) } ?? 0
                steps.append(Step(name: "endpoints", at: written.committed?.date, done: true,
                                  detail: "Endpoints at revision \(written.revision), \(ready) ready address\(ready == 1 ? "" : "es")"))
            } else {
                steps.append(Step(name: "endpoints", at: nil, done: false, detail: "no Endpoints written since revision \(revision)"))
            }
        }
        steps.append(Self.programmed("dns", holder: "coredns-controller", lease: dns, revision: revision))
        for proxy in proxies {
            steps.append(Self.programmed("proxy \(proxy.node)", holder: "kube-proxy-\(proxy.node)", lease: proxy.lease, revision: revision))
        }
        self.steps = steps
    }

    /// The first Lease version that reports `revision` programmed.
    static func programmed(_ name: String, holder: String, lease: ObjectHistory<Lease>?, revision: Int64) -> Step {
        guard let lease else { return Step(name: name, at: nil, done: false, detail: "\(holder): no Lease (not running)") }
        if let reached = lease.first(where: { $0.programmedRevision >= revision }) {
            return Step(name: name, at: reached.committed?.date, done: true,
                        detail: "\(holder) at revision \(reached.object.programmedRevision)")
        }
        let at = lease.items.last?.object.programmedRevision ?? 0
        return Step(name: name, at: nil, done: false, detail: "\(holder) at revision \(at), not yet \(revision)")
    }

    /// "+12.3 ms" after the start, "pending", or "done" when the time is unknown.
    public func offset(_ step: Step) -> String {
        guard step.done else { return "pending" }
        guard let at = step.at, let start else { return "done" }
        let ms = max(at.timeIntervalSince(start), 0) * 1000
        return ms < 10 ? String(format: "+%.1f ms", ms) : String(format: "+%.0f ms", ms)
    }
}
