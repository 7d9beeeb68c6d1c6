import Foundation

/// The programming benchmark's table: per stage, the latency from each `apply` request to that stage, over the
/// measured Services.
struct ProgrammingReport {
    struct Applied: Sendable {
        var name: String
        var sent: ContinuousClock.Instant
        var replied: ContinuousClock.Instant
        /// The Service's revision (the apply reply's resourceVersion).
        var revision: Int64
    }

    let sent: [Applied]
    let observer: ProgrammingObserver
    let nodes: [String]
    let complete: Bool

    func print() {
        var rows: [(String, [Double?])] = []
        func stage(_ label: String, _ at: (Applied) -> ContinuousClock.Instant?) {
            rows.append((label, sent.map { applied in at(applied).map { max(($0 - applied.sent).milliseconds, 0) } }))
        }
        let proxies = nodes.map { "kube-proxy-\($0)" }
        stage("apply reply (authorized, admitted, committed)") { $0.replied }
        stage("EndpointSlice with ready endpoints seen (watch)") { observer.slice(of: $0.name)?.at }
        stage("DNS answers the name (UDP)") { observer.dns.answered($0.name) }
        stage("coredns-controller Lease reports the revision") { observer.lease("coredns-controller", reached: $0.revision) }
        for proxy in proxies {
            stage("\(proxy) Lease reports the revision") { observer.lease(proxy, reached: $0.revision) }
        }
        stage("slowest kube-proxy Lease") { applied in latest(proxies.map { observer.lease($0, reached: applied.revision) }) }
        stage("**served: DNS answers and every kube-proxy Lease reports it (`apply --wait`)**") { applied in
            latest([observer.dns.answered(applied.name)] + proxies.map { observer.lease($0, reached: applied.revision) })
        }
        stage("served with endpoints: every kube-proxy Lease past the Service's EndpointSlice too") { applied in
            guard let slice = observer.slice(of: applied.name) else { return nil }
            let revision = max(applied.revision, slice.revision)
            return latest([observer.dns.answered(applied.name)] + proxies.map { observer.lease($0, reached: revision) })
        }
        Swift.print("| from the apply request to | p50 ms | p90 ms | p99 ms | max ms | seen |")
        Swift.print("|---|---:|---:|---:|---:|---:|")
        for (label, values) in rows {
            let seen = values.compactMap { $0 }.sorted()
            Swift.print(String(format: "| %@ | %.1f | %.1f | %.1f | %.1f | %d of %d |", label, percentile(seen, 0.5), percentile(seen, 0.9),
                               percentile(seen, 0.99), seen.last ?? .nan, seen.count, values.count))
        }
        Swift.print(complete ? "" : "\n(Not every Service was served within a minute: the missing ones are left out of their rows.)\n")
    }

    /// The latest of the instants, or nil if any is missing.
    private func latest(_ instants: [ContinuousClock.Instant?]) -> ContinuousClock.Instant? {
        var result: ContinuousClock.Instant?
        for instant in instants {
            guard let instant else { return nil }
            result = max(result ?? instant, instant)
        }
        return result
    }
}
