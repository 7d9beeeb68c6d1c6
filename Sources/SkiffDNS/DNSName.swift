/// A domain name held in uncompressed wire form (length-prefixed labels, ending with the zero root byte). Keeping the
/// wire form means writing it needs no conversion and lookups can compare bytes; the case is kept as received so
/// answers echo the query's case (RFC 1035 4.1.1 / 2.3.3). Compare with `lowercased()` when case must not matter.
public struct DNSName: Hashable, Sendable, CustomStringConvertible {
    public static let maxLength = 255
    public static let maxLabelLength = 63

    public let wire: [UInt8]

    public static let root = DNSName(uncheckedWire: [0])

    init(uncheckedWire: [UInt8]) { wire = uncheckedWire }

    /// Parses presentation text such as `web.default.svc.cluster.local` (a trailing dot is optional). Escapes are not
    /// supported: Kubernetes names never need them.
    public init(_ text: String) throws(DNSError) {
        var text = Substring(text)
        if text == "." || text.isEmpty { self = .root; return }
        if text.hasSuffix(".") { text = text.dropLast() }
        var labels: [ArraySlice<UInt8>] = []
        for part in text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard !part.isEmpty else { throw DNSError(.labelTooLong) }
            labels.append(ArraySlice(part))
        }
        try self.init(labels: labels)
    }

    public init<L: Collection<UInt8>>(labels: [L]) throws(DNSError) {
        var wire: [UInt8] = []
        wire.reserveCapacity(labels.reduce(1) { $0 + $1.count + 1 })
        for label in labels {
            guard !label.isEmpty, label.count <= Self.maxLabelLength else { throw DNSError(.labelTooLong) }
            wire.append(UInt8(label.count))
            wire.append(contentsOf: label)
        }
        wire.append(0)
        guard wire.count <= Self.maxLength else { throw DNSError(.nameTooLong) }
        self.wire = wire
    }

    /// The labels, without length bytes; the root has none.
    public var labels: [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var index = 0
        while wire[index] != 0 {
            let length = Int(wire[index])
            result.append(wire[(index + 1)..<(index + 1 + length)])
            index += length + 1
        }
        return result
    }

    public var labelCount: Int {
        var count = 0
        var index = 0
        while wire[index] != 0 { count += 1; index += Int(wire[index]) + 1 }
        return count
    }

    public var isRoot: Bool { wire.count == 1 }

    /// ASCII lowercase (RFC 4343: only A-Z fold).
    public func lowercased() -> DNSName {
        DNSName(uncheckedWire: wire.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 })
    }

    /// The name without its first `count` labels (the root when there are fewer).
    public func droppingFirst(_ count: Int) -> DNSName {
        var index = 0
        for _ in 0..<count where wire[index] != 0 { index += Int(wire[index]) + 1 }
        return DNSName(uncheckedWire: Array(wire[index...]))
    }

    /// `label` + "." + self.
    public func prepending<L: Collection<UInt8>>(_ label: L) throws(DNSError) -> DNSName {
        guard !label.isEmpty, label.count <= Self.maxLabelLength else { throw DNSError(.labelTooLong) }
        guard wire.count + label.count + 1 <= Self.maxLength else { throw DNSError(.nameTooLong) }
        var result: [UInt8] = []
        result.reserveCapacity(wire.count + label.count + 1)
        result.append(UInt8(label.count))
        result.append(contentsOf: label)
        result.append(contentsOf: wire)
        return DNSName(uncheckedWire: result)
    }

    /// Fully qualified text with a trailing dot; bytes outside printable ASCII, dots and backslashes as `\DDD`.
    public var description: String {
        if isRoot { return "." }
        var text = ""
        for label in labels {
            for byte in label {
                if byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: ".") && byte != UInt8(ascii: "\\") {
                    text.unicodeScalars.append(Unicode.Scalar(byte))
                } else {
                    let digits = String(byte)
                    text += "\\" + String(repeating: "0", count: 3 - digits.count) + digits
                }
            }
            text += "."
        }
        return text
    }
}
