import Foundation

/// Small formatting rules kubectl applies everywhere.
public enum Text {
    /// `labels.FormatLabels`: `a=1,b=2` sorted by key, `<none>` when empty.
    public static func labels(_ labels: [String: String]?) -> String {
        guard let labels, !labels.isEmpty else { return "<none>" }
        return labels.keys.sorted().map { "\($0)=\(labels[$0]!)" }.joined(separator: ",")
    }

    /// The value, or `<none>` when it is nil or empty.
    public static func orNone(_ value: String?) -> String {
        guard let value, !value.isEmpty else { return "<none>" }
        return value
    }

    /// Go's `net.JoinHostPort`: IPv6 addresses in brackets.
    public static func hostPort(_ host: String, _ port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// `time.RFC1123Z` ("Mon, 02 Jan 2006 15:04:05 -0700"), the format of times in kubectl describe.
    public static func rfc1123Z(_ date: Date, timeZone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.timeZone = timeZone
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }
}
