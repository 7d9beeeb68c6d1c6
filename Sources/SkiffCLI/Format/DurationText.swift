import Foundation
import SkiffAPI

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
        guard let duration = DurationFlag.parse(trimmed) else { throw invalid(text) }
        return duration == .zero ? unlimited : duration
    }

    private static func invalid(_ text: String) -> CLIError {
        CLIError(.usage, "invalid duration \(String(reflecting: text)): use a number with a unit, e.g. 10s, 1m, 500ms (0 waits forever)")
    }
}
