import Foundation
import SkiffAPI

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
        RFC3339.append(time, fractionDigits: 6, to: &out)
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

    /// RFC 3339 with microseconds, UTC (Kubernetes' audit timestamps are metav1.MicroTime).
    static func timestamp(_ date: Date) -> String { RFC3339.string(date, fractionDigits: 6) }

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
