import CoreMetrics

/// The node proxy's metrics, through swift-metrics (served by SkiffMetrics' Prometheus registry when the process
/// bootstrapped it):
/// - `skiff_proxy_sync_duration_seconds{mode, full}`: one sync of the dataplane;
/// - `skiff_proxy_syncs_total{mode, result}`: syncs that succeeded or failed;
/// - `skiff_proxy_rules_written_total{mode}`: statements, ipvsadm lines or sockets written;
/// - `skiff_proxy_service_ports`, `skiff_proxy_endpoints`: what the last sync programmed.
public struct ProxyMetrics: Sendable {
    let fullSync: Timer
    let partialSync: Timer
    let succeeded: Counter
    let failed: Counter
    let rulesWritten: Counter
    let servicePorts: Gauge
    let endpoints: Gauge

    public init(mode: ProxyMode) {
        let mode = mode.rawValue
        fullSync = Timer(label: "skiff_proxy_sync_duration_seconds", dimensions: [("mode", mode), ("full", "true")])
        partialSync = Timer(label: "skiff_proxy_sync_duration_seconds", dimensions: [("mode", mode), ("full", "false")])
        succeeded = Counter(label: "skiff_proxy_syncs_total", dimensions: [("mode", mode), ("result", "success")])
        failed = Counter(label: "skiff_proxy_syncs_total", dimensions: [("mode", mode), ("result", "failure")])
        rulesWritten = Counter(label: "skiff_proxy_rules_written_total", dimensions: [("mode", mode)])
        servicePorts = Gauge(label: "skiff_proxy_service_ports")
        endpoints = Gauge(label: "skiff_proxy_endpoints")
    }

    func record(_ report: SyncReport, full: Bool) {
        (full ? fullSync : partialSync).recordNanoseconds(report.duration.components.seconds * 1_000_000_000
            + report.duration.components.attoseconds / 1_000_000_000)
        succeeded.increment()
        rulesWritten.increment(by: report.rulesWritten)
        servicePorts.record(report.servicePorts)
        endpoints.record(report.endpoints)
    }

    func recordFailure() { failed.increment() }
}
