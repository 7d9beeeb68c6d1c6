import CoreMetrics
import Prometheus

/// The process's one Prometheus registry, installed as the swift-metrics backend the first time it is asked for.
/// `MetricsSystem.bootstrap` may run only once per process, so every component goes through `registry` (a lazily
/// initialised static, thread-safe) instead of bootstrapping itself; metrics made with swift-metrics' `Counter`,
/// `Gauge`, `Timer` after that land in this registry and are served by `MetricsServer`.
public enum MetricsBackend {
    /// Histogram buckets for durations: DNS programming and rebuilds are milliseconds, so the low end is fine.
    public static let durationBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
        .milliseconds(5), .milliseconds(10), .milliseconds(20), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = durationBuckets
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// Installs the backend (idempotent); call before making any metric, so none is a no-op.
    @discardableResult
    public static func bootstrap() -> PrometheusCollectorRegistry { registry }
}
