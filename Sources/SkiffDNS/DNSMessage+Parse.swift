/// Defensive parsing of untrusted packets. Every read is bounds-checked and every failure is a `DNSError`; section
/// counts are checked against the bytes left before anything is allocated, and compression pointers may only jump
/// strictly backwards past everything read so far for the name, so loops and forward references cannot happen.
extension DNSMessage {
    public static let headerLength = 12
    /// Smallest possible question: root name (1) + type (2) + class (2).
    static let minQuestionLength = 5
    /// Smallest possible record: root name (1) + type, class, ttl, rdlength (10).
    static let minRecordLength = 11

    public init(parsing bytes: [UInt8]) throws(DNSError) {
        var reader = DNSReader(bytes: bytes)
        let id = try reader.u16()
        let flags = try reader.u16()
        let qd = Int(try reader.u16()), an = Int(try reader.u16()), ns = Int(try reader.u16()), ar = Int(try reader.u16())
        let left = bytes.count - Self.headerLength
        guard qd * Self.minQuestionLength + (an + ns + ar) * Self.minRecordLength <= left else {
            throw DNSError(.countExceedsPacket, at: 4)
        }
        var header = DNSHeader(id: id)
        header.isResponse = flags & 0x8000 != 0
        header.opcode = UInt8((flags >> 11) & 0xF)
        header.authoritative = flags & 0x0400 != 0
        header.truncated = flags & 0x0200 != 0
        header.recursionDesired = flags & 0x0100 != 0
        header.recursionAvailable = flags & 0x0080 != 0
        header.authenticData = flags & 0x0020 != 0
        header.checkingDisabled = flags & 0x0010 != 0
        self.init(header: header, rcode: DNSRcode(rawValue: flags & 0xF))

        questions.reserveCapacity(qd)
        for _ in 0..<qd {
            let name = try reader.name()
            questions.append(DNSQuestion(name: name, type: DNSType(rawValue: try reader.u16()), qclass: try reader.u16()))
        }
        answers = try reader.records(an, optAllowed: false)
        authority = try reader.records(ns, optAllowed: false)
        for record in try reader.records(ar, optAllowed: true) {
            guard case .unknown(.opt, let payload) = record.data else { additional.append(record); continue }
            guard edns == nil, record.name.isRoot else { throw DNSError(.badOPT, at: reader.offset) }
            try Self.checkOptions(payload, at: reader.offset)
            edns = EDNS(
                udpPayloadSize: record.rrClass, version: UInt8((record.ttl >> 16) & 0xFF),
                dnssecOK: record.ttl & 0x8000 != 0, options: payload)
            rcode = DNSRcode(rawValue: UInt16(record.ttl >> 24) << 4 | rcode.rawValue)
        }
    }

    /// Option TLVs (code, length, data) must exactly fill the OPT RDATA.
    static func checkOptions(_ payload: [UInt8], at offset: Int) throws(DNSError) {
        var index = 0
        while index < payload.count {
            guard index + 4 <= payload.count else { throw DNSError(.badOPT, at: offset) }
            let length = Int(payload[index + 2]) << 8 | Int(payload[index + 3])
            index += 4 + length
        }
        guard index == payload.count else { throw DNSError(.badOPT, at: offset) }
    }
}

/// A cursor over a packet. Reads throw `.truncated` rather than trap.
struct DNSReader {
    let bytes: [UInt8]
    var offset = 0

    mutating func u8() throws(DNSError) -> UInt8 {
        guard offset < bytes.count else { throw DNSError(.truncated, at: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16() throws(DNSError) -> UInt16 {
        guard offset + 2 <= bytes.count else { throw DNSError(.truncated, at: offset) }
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    mutating func u32() throws(DNSError) -> UInt32 {
        UInt32(try u16()) << 16 | UInt32(try u16())
    }

    mutating func take(_ count: Int) throws(DNSError) -> [UInt8] {
        guard count >= 0, offset + count <= bytes.count else { throw DNSError(.truncated, at: offset) }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    /// Reads a possibly compressed name. `floor` is the lowest offset this name has read from; a pointer must land
    /// strictly below it, so each jump strictly descends and the walk ends after at most `offset` jumps.
    mutating func name() throws(DNSError) -> DNSName {
        var wire: [UInt8] = []
        wire.reserveCapacity(32)
        var position = offset
        var floor = offset
        var jumped = false
        while true {
            guard position < bytes.count else { throw DNSError(.truncated, at: position) }
            let length = Int(bytes[position])
            switch length & 0xC0 {
            case 0x00:
                if length == 0 {
                    wire.append(0)
                    if !jumped { offset = position + 1 }
                    return DNSName(uncheckedWire: wire)
                }
                guard position + 1 + length <= bytes.count else { throw DNSError(.truncated, at: position) }
                guard wire.count + 1 + length + 1 <= DNSName.maxLength else { throw DNSError(.nameTooLong, at: position) }
                wire.append(contentsOf: bytes[position..<(position + 1 + length)])
                position += 1 + length
            case 0xC0:
                guard position + 1 < bytes.count else { throw DNSError(.truncated, at: position) }
                let target = (length & 0x3F) << 8 | Int(bytes[position + 1])
                guard target < floor, target >= DNSMessage.headerLength else { throw DNSError(.badPointer, at: position) }
                if !jumped { offset = position + 2; jumped = true }
                position = target
                floor = target
            default:
                throw DNSError(.badLabelType, at: position)
            }
        }
    }

    mutating func records(_ count: Int, optAllowed: Bool) throws(DNSError) -> [ResourceRecord] {
        var result: [ResourceRecord] = []
        result.reserveCapacity(count)
        for _ in 0..<count {
            let start = offset
            let name = try name()
            let type = DNSType(rawValue: try u16())
            if type == .opt && !optAllowed { throw DNSError(.badOPT, at: start) }
            let rrClass = try u16()
            let ttl = try u32()
            let length = Int(try u16())
            guard offset + length <= bytes.count else { throw DNSError(.truncated, at: offset) }
            let end = offset + length
            let data = try rdata(type, end: end)
            guard offset == end else { throw DNSError(.badRData, at: offset) }
            result.append(ResourceRecord(name: name, ttl: ttl, data: data, rrClass: rrClass))
        }
        return result
    }

    /// Names inside RDATA must end within it; `records` then checks the RDATA was consumed exactly.
    mutating func rdata(_ type: DNSType, end: Int) throws(DNSError) -> RData {
        func within<T>(_ value: T) throws(DNSError) -> T {
            guard offset <= end else { throw DNSError(.badRData, at: end) }
            return value
        }
        let length = end - offset
        switch type {
        case .a, .aaaa:
            guard length == (type == .a ? 4 : 16), let ip = IPAddr(bytes: try take(length)) else {
                throw DNSError(.badRData, at: offset)
            }
            return type == .a ? .a(ip) : .aaaa(ip)
        case .cname: return .cname(try within(try name()))
        case .ns: return .ns(try within(try name()))
        case .ptr: return .ptr(try within(try name()))
        case .srv:
            guard length >= 7 else { throw DNSError(.badRData, at: offset) }
            let priority = try u16(), weight = try u16(), port = try u16()
            return .srv(priority: priority, weight: weight, port: port, target: try within(try name()))
        case .soa:
            let mname = try within(try name()), rname = try within(try name())
            guard end - offset == 20 else { throw DNSError(.badRData, at: offset) }
            return .soa(SOAData(
                mname: mname, rname: rname, serial: try u32(), refresh: try u32(), retry: try u32(), expire: try u32(),
                minimum: try u32()))
        case .txt:
            var strings: [[UInt8]] = []
            while offset < end {
                let count = Int(try u8())
                guard offset + count <= end else { throw DNSError(.badRData, at: offset) }
                strings.append(try take(count))
            }
            return .txt(strings)
        default:
            return .unknown(type, try take(length))
        }
    }
}
