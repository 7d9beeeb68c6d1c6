/// Go durations (`--batch-period 100ms`, metav1.Duration), as kube-controller-manager's flags: a sequence of a number and
/// a unit (`ns`, `us`, `ms`, `s`, `m`, `h`), e.g. `1m30s` or `1.5s`; a bare `0` is zero.
public enum DurationFlag {
    /// nil when `text` is not a non-negative duration.
    public static func parse(_ text: String) -> Duration? {
        if text == "0" { return .zero }
        var rest = Substring(text)
        var total: Duration = .zero
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isLetter }
            rest = rest.dropFirst(unit.count)
            guard let value = Double(number), value >= 0, let scale = units[String(unit)] else { return nil }
            total += .nanoseconds(Int64((value * scale).rounded()))
        }
        return total
    }

    /// Nanoseconds per unit.
    private static let units: [String: Double] = [
        "ns": 1, "us": 1e3, "µs": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9,
    ]
}
