import Foundation

/// One line of the audit log. `decision` is the authorization's: "allow" when the request got past
/// authentication and authorization (whatever happened after), "deny" for a 401 or 403 from them.
public struct AuditEvent: Sendable, Equatable {
    public var time: Date
    public var user: String
    public var groups: [String]
    public var verb: String
    public var resource: String
    public var namespace: String
    public var name: String
    public var decision: String
    public var code: Int

    public init(time: Date, user: String, groups: [String], verb: String, resource: String, namespace: String, name: String,
                decision: String, code: Int) {
        self.time = time
        self.user = user
        self.groups = groups
        self.verb = verb
        self.resource = resource
        self.namespace = namespace
        self.name = name
        self.decision = decision
        self.code = code
    }

    /// The JSON object and a newline, written by hand: this runs once per request and JSONEncoder costs several
    /// times as much.
    func jsonLine() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160)
        out += #"{"time":"#.utf8
        out.append(UInt8(ascii: "\""))
        Self.appendTimestamp(time, to: &out)
        out.append(UInt8(ascii: "\""))
        out += #","user":"#.utf8
        Self.append(user, to: &out)
        out += #","groups":["#.utf8
        for (index, group) in groups.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            Self.append(group, to: &out)
        }
        out += #"],"verb":"#.utf8
        Self.append(verb, to: &out)
        out += #","resource":"#.utf8
        Self.append(resource, to: &out)
        out += #","namespace":"#.utf8
        Self.append(namespace, to: &out)
        out += #","name":"#.utf8
        Self.append(name, to: &out)
        out += #","decision":"#.utf8
        Self.append(decision, to: &out)
        out += #","code":"#.utf8
        out += String(code).utf8
        out += "}\n".utf8
        return out
    }

    /// RFC 3339 with microseconds, UTC (Kubernetes' audit timestamps are metav1.MicroTime). Digits are written by
    /// hand: `String(format:)` costs microseconds per call, and this runs for every request.
    static func timestamp(_ date: Date) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(27)
        appendTimestamp(date, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func appendTimestamp(_ date: Date, to out: inout [UInt8]) {
        let since1970 = date.timeIntervalSince1970
        var seconds = time_t(since1970.rounded(.down))
        let micros = min(Int((since1970 - Double(seconds)) * 1_000_000), 999_999)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(Int(parts.tm_year) + 1900, 4)
        out.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2)
        out.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2)
        out.append(UInt8(ascii: "T"))
        digits(Int(parts.tm_hour), 2)
        out.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2)
        out.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2)
        out.append(UInt8(ascii: "."))
        digits(micros, 6)
        out.append(UInt8(ascii: "Z"))
    }

    /// A JSON string literal (RFC 8259 escapes).
    static func append(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += #"\""#.utf8
            case UInt8(ascii: "\\"): out += #"\\"#.utf8
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += #"\u00"#.utf8
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
