import Foundation

/// Go-style durations as kubectl's --request-timeout takes them: `10s`, `1m30s`, `500ms`, `2h`, or a bare number
/// of seconds. "0" means no timeout; Skiff's transport needs a deadline, so it becomes a very long one.
public enum DurationText {
    /// What "0" (no timeout) becomes.
    public static let unlimited: Duration = .seconds(366 * 24 * 3600)

    public static func parse(_ text: String) throws(CLIError) -> Duration {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed) {
            guard seconds >= 0 else { throw invalid(text) }
            return seconds == 0 ? unlimited : .milliseconds(Int64((seconds * 1000).rounded()))
        }
        var total: Double = 0
        var rest = Substring(trimmed)
        guard !rest.isEmpty else { throw invalid(text) }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { throw invalid(text) }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isLetter || $0 == "µ" }
            rest = rest.dropFirst(unit.count)
            let scale: Double
            switch unit {
            case "h": scale = 3600
            case "m": scale = 60
            case "s": scale = 1
            case "ms": scale = 0.001
            case "us", "µs": scale = 0.000_001
            case "ns": scale = 0.000_000_001
            default: throw invalid(text)
            }
            total += value * scale
        }
        if total == 0 { return unlimited }
        return .nanoseconds(Int64((total * 1e9).rounded()))
    }

    private static func invalid(_ text: String) -> CLIError {
        CLIError(.usage, "invalid duration \(String(reflecting: text)) for --request-timeout: use a number with a unit, e.g. 10s, 1m, 500ms (0 waits forever)")
    }
}
