import Foundation
import SkiffAPI

/// kubectl's AGE column: apimachinery's `duration.HumanDuration`, about two significant figures
/// ("45s", "5m30s", "3h10m", "2d4h", "1y20d").
public enum Age {
    /// The age of something created at `timestamp`, seen at `now`; `<unknown>` without a timestamp.
    public static func since(_ timestamp: Timestamp?, now: Date) -> String {
        guard let timestamp else { return "<unknown>" }
        return format(now.timeIntervalSince(timestamp.date))
    }

    /// `HumanDuration`: a clock skew of up to two seconds reads as "0s"; more is `<invalid>`.
    public static func format(_ interval: TimeInterval) -> String {
        let seconds = Int(interval.rounded(.towardZero))
        if seconds < -1 { return "<invalid>" }
        if seconds < 0 { return "0s" }
        if seconds < 60 * 2 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 {
            let rest = seconds % 60
            return rest == 0 ? "\(minutes)m" : "\(minutes)m\(rest)s"
        }
        if minutes < 60 * 3 { return "\(minutes)m" }
        let hours = seconds / 3600
        if hours < 8 {
            let rest = minutes % 60
            return rest == 0 ? "\(hours)h" : "\(hours)h\(rest)m"
        }
        if hours < 48 { return "\(hours)h" }
        if hours < 24 * 8 {
            let rest = hours % 24
            return rest == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(rest)h"
        }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        if hours < 24 * 365 * 8 {
            let days = (hours / 24) % 365
            return days == 0 ? "\(hours / 24 / 365)y" : "\(hours / 24 / 365)y\(days)d"
        }
        return "\(hours / 24 / 365)y"
    }
}
