/// An IPv4 (4 bytes) or IPv6 (16 bytes) address, parsed and printed in pure Swift so the query path needs no
/// Foundation or libc. IPv4-mapped IPv6 text (`::ffff:1.2.3.4`) becomes IPv4, as Go's `To4` (and so Kubernetes) sees it.
public struct IPAddr: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public var isIPv4: Bool { bytes.count == 4 }

    /// One pass over the bytes (the synthesized hash feeds them one at a time); IPs key the PTR and pod tables.
    public func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    public init?(_ text: some StringProtocol) {
        let utf8 = Array(text.utf8)
        if let v4 = Self.parseV4(utf8[...]) {
            bytes = v4
        } else if let v6 = Self.parseV6(utf8) {
            let mapped = v6[0..<10].allSatisfy { $0 == 0 } && v6[10] == 0xFF && v6[11] == 0xFF
            bytes = mapped ? Array(v6[12...]) : v6
        } else {
            return nil
        }
    }

    /// Dotted quad, decimal only, no leading zeros (as Go's `net.ParseIP`).
    static func parseV4(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        let parts = text.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var result: [UInt8] = []
        for part in parts {
            guard let value = decimal(part, max: 255), part.count == 1 || part.first != UInt8(ascii: "0") else { return nil }
            result.append(UInt8(value))
        }
        return result
    }

    static func decimal(_ digits: ArraySlice<UInt8>, max: Int) -> Int? {
        guard !digits.isEmpty, digits.count <= 5 else { return nil }
        var value = 0
        for digit in digits {
            guard digit >= 0x30 && digit <= 0x39 else { return nil }
            value = value * 10 + Int(digit - 0x30)
        }
        return value <= max ? value : nil
    }

    static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: Int(byte - 0x30)
        case 0x61...0x66: Int(byte - 0x61 + 10)
        case 0x41...0x46: Int(byte - 0x41 + 10)
        default: nil
        }
    }

    static func parseV6(_ text: [UInt8]) -> [UInt8]? {
        guard text.count >= 2, text.count <= 45 else { return nil }
        var groups: [UInt16] = []
        var gap: Int?
        var index = 0
        if text.starts(with: [0x3A, 0x3A]) { gap = 0; index = 2 }
        while index < text.count {
            // An embedded IPv4 tail takes the last 32 bits.
            if let dot = text[index...].firstIndex(of: UInt8(ascii: ".")),
               !text[index..<dot].contains(UInt8(ascii: ":")) {
                guard let v4 = parseV4(text[index...]) else { return nil }
                groups.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                groups.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
                index = text.count
                break
            }
            var value = 0
            var digits = 0
            while index < text.count, let hex = hexValue(text[index]) {
                value = value << 4 | hex
                digits += 1
                index += 1
            }
            guard digits >= 1, digits <= 4 else { return nil }
            groups.append(UInt16(value))
            guard index < text.count else { break }
            guard text[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            if index < text.count, text[index] == UInt8(ascii: ":") {
                guard gap == nil else { return nil }
                gap = groups.count
                index += 1
            } else if index == text.count {
                return nil
            }
        }
        if let gap {
            guard groups.count < 8 else { return nil }
            groups.insert(contentsOf: repeatElement(0, count: 8 - groups.count), at: gap)
        }
        guard groups.count == 8 else { return nil }
        return groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// IPv4 dotted quad; IPv6 in RFC 5952 form (lowercase, longest run of two or more zero groups as `::`).
    public var description: String {
        if isIPv4 { return bytes.map { String($0) }.joined(separator: ".") }
        let groups = (0..<8).map { UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]) }
        var bestStart = -1, bestLength = 0, start = -1
        for index in 0...8 {
            if index < 8, groups[index] == 0 {
                if start < 0 { start = index }
            } else if start >= 0 {
                if index - start > bestLength { bestStart = start; bestLength = index - start }
                start = -1
            }
        }
        func hex(_ range: Range<Int>) -> String { range.map { String(groups[$0], radix: 16) }.joined(separator: ":") }
        guard bestLength >= 2 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }

    /// The label Kubernetes DNS uses for an address: dots (or colons) become dashes, e.g. `10-244-1-5`.
    public var dashed: String {
        String(description.map { $0 == "." || $0 == ":" ? "-" : $0 })
    }
}
