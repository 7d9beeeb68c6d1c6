/// Writing, with name compression and truncation. Sections are written one RRset at a time; an RRset that would pass
/// `maxSize` is taken out again whole (RFC 2181 9) and TC is set, unless only additional data is missing, which
/// RFC 2181 9 allows without TC. Space for the OPT record is reserved first so EDNS survives truncation.
extension DNSMessage {
    /// The largest DNS message (TCP's two-byte length prefix).
    public static let maxTCPSize = 65535
    /// The classic UDP limit without EDNS (RFC 1035 4.2.1).
    public static let maxUDPSizeWithoutEDNS = 512

    public func serialize(maxSize: Int = DNSMessage.maxTCPSize) -> [UInt8] {
        let maxSize = min(max(maxSize, Self.maxUDPSizeWithoutEDNS), Self.maxTCPSize)
        // Room for a typical answer up front; large TCP answers grow the buffer as needed.
        var writer = DNSWriter(capacity: min(maxSize, 4096))
        writer.u16(header.id)
        writer.u16(0)  // flags, patched below
        writer.bytes.append(contentsOf: repeatElement(0, count: 8))  // counts, patched below
        for question in questions {
            writer.name(question.name, compress: true)
            writer.u16(question.type.rawValue)
            writer.u16(question.qclass)
        }
        let optSize = edns.map { 11 + $0.options.count } ?? 0
        let limit = maxSize - optSize
        var truncated = false
        let anCount = writer.rrsets(answers, limit: limit, stopped: &truncated)
        let nsCount = truncated ? 0 : writer.rrsets(authority, limit: limit, stopped: &truncated)
        var additionalFull = false
        var arCount = truncated ? 0 : writer.rrsets(additional, limit: limit, stopped: &additionalFull)
        if let edns {
            writer.u8(0)
            writer.u16(DNSType.opt.rawValue)
            writer.u16(edns.udpPayloadSize)
            writer.u8(UInt8(truncatingIfNeeded: rcode.rawValue >> 4))
            writer.u8(edns.version)
            writer.u16(edns.dnssecOK ? 0x8000 : 0)
            writer.u16(UInt16(edns.options.count))
            writer.bytes.append(contentsOf: edns.options)
            arCount += 1
        }
        var flags = UInt16(header.opcode & 0xF) << 11 | (rcode.rawValue & 0xF)
        if header.isResponse { flags |= 0x8000 }
        if header.authoritative { flags |= 0x0400 }
        if header.truncated || truncated { flags |= 0x0200 }
        if header.recursionDesired { flags |= 0x0100 }
        if header.recursionAvailable { flags |= 0x0080 }
        if header.authenticData { flags |= 0x0020 }
        if header.checkingDisabled { flags |= 0x0010 }
        writer.patch(flags, at: 2)
        writer.patch(UInt16(questions.count), at: 4)
        writer.patch(UInt16(anCount), at: 6)
        writer.patch(UInt16(nsCount), at: 8)
        writer.patch(UInt16(arCount), at: 10)
        return writer.bytes
    }
}

/// Appends into one preallocated buffer. Compression remembers, for each name suffix already written, where it
/// starts; keys are exact bytes (case-sensitive) so a pointer never changes the case a reader sees.
struct DNSWriter {
    var bytes: [UInt8] = []
    /// Suffixes written so far and where each starts, searched linearly: an answer has a handful of names, and a
    /// hashed table cost more (seeding, hashing, growing it) than the whole rest of the serialization. Only the
    /// first `maxSuffixes` are remembered, which bounds the search in large TCP answers; those include the question
    /// and the zone, so later names still compress against them.
    private var suffixes: [ArraySlice<UInt8>] = []
    private var offsets: [Int] = []
    static let maxSuffixes = 64

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    /// Where `suffix` was written, if it was remembered.
    private func offset(of suffix: ArraySlice<UInt8>) -> Int? {
        for (index, known) in suffixes.enumerated() where known.count == suffix.count && known.elementsEqual(suffix) {
            return offsets[index]
        }
        return nil
    }

    mutating func u8(_ value: UInt8) { bytes.append(value) }

    mutating func u16(_ value: UInt16) {
        bytes.append(UInt8(value >> 8))
        bytes.append(UInt8(value & 0xFF))
    }

    mutating func u32(_ value: UInt32) {
        u16(UInt16(value >> 16))
        u16(UInt16(value & 0xFFFF))
    }

    mutating func patch(_ value: UInt16, at offset: Int) {
        bytes[offset] = UInt8(value >> 8)
        bytes[offset + 1] = UInt8(value & 0xFF)
    }

    /// SRV targets are written with `compress: false` (RFC 2782); their suffixes are still remembered.
    mutating func name(_ name: DNSName, compress: Bool) {
        let wire = name.wire
        var index = 0
        while wire[index] != 0 {
            let suffix = wire[index...]
            let known = offset(of: suffix)
            if compress, let known {
                u16(0xC000 | UInt16(known))
                return
            }
            // Pointers have 14 bits.
            if bytes.count < 0x4000 && known == nil && suffixes.count < Self.maxSuffixes {
                suffixes.append(suffix)
                offsets.append(bytes.count)
            }
            let length = Int(wire[index])
            bytes.append(contentsOf: wire[index...(index + length)])
            index += length + 1
        }
        bytes.append(0)
    }

    mutating func rollback(bytes count: Int, suffixes addedCount: Int) {
        bytes.removeSubrange(count...)
        suffixes.removeSubrange(addedCount...)
        offsets.removeSubrange(addedCount...)
    }

    /// Writes `records` RRset by RRset (consecutive records with the same owner, type and class). Stops at the first
    /// RRset that does not fit under `limit`, sets `stopped`, and returns how many records were written.
    mutating func rrsets(_ records: [ResourceRecord], limit: Int, stopped: inout Bool) -> Int {
        var written = 0
        var start = 0
        while start < records.count {
            var end = start + 1
            while end < records.count, records[end].type == records[start].type,
                  records[end].rrClass == records[start].rrClass, records[end].name == records[start].name { end += 1 }
            let mark = (bytes.count, suffixes.count)
            for record in records[start..<end] { self.record(record) }
            guard bytes.count <= limit else {
                rollback(bytes: mark.0, suffixes: mark.1)
                stopped = true
                return written
            }
            written += end - start
            start = end
        }
        return written
    }

    mutating func record(_ record: ResourceRecord) {
        name(record.name, compress: true)
        u16(record.type.rawValue)
        u16(record.rrClass)
        u32(record.ttl)
        let lengthAt = bytes.count
        u16(0)
        switch record.data {
        case .a(let ip), .aaaa(let ip): bytes.append(contentsOf: ip.bytes)
        case .cname(let target), .ns(let target), .ptr(let target): name(target, compress: true)
        case .srv(let priority, let weight, let port, let target):
            u16(priority)
            u16(weight)
            u16(port)
            name(target, compress: false)
        case .txt(let strings):
            for string in strings {
                let chunk = string.prefix(255)
                u8(UInt8(chunk.count))
                bytes.append(contentsOf: chunk)
            }
        case .soa(let soa):
            name(soa.mname, compress: true)
            name(soa.rname, compress: true)
            for value in [soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum] { u32(value) }
        case .unknown(_, let raw): bytes.append(contentsOf: raw)
        }
        patch(UInt16(truncatingIfNeeded: bytes.count - lengthAt - 2), at: lengthAt)
    }
}
