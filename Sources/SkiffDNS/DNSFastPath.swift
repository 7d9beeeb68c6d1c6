/// The allocation-free UDP answer: reads the question straight from the packet's bytes, finds the response made
/// ahead of time in the snapshot's `DNSAnswerTable`, and writes it into the caller's buffer with the query's id, RD
/// and CD bits, the query's question bytes (so the answer keeps the query's case) and, when the query had one, an
/// OPT record. Returns nil for anything else, which then takes the general path (`DNSResponder`): other opcodes,
/// responses, several questions, non-empty answer or authority sections, EDNS options or versions other than 0,
/// compressed or unknown names, other classes, trailing bytes.
public enum DNSFastPath {
    /// Every table response fits here: 512 bytes (the no-EDNS limit) including the OPT record.
    public static let maxResponseLength = DNSMessage.maxUDPSizeWithoutEDNS
    static let optLength = 11

    /// What was answered: the response's length and the query's type (for metrics).
    public struct Answered: Sendable {
        public let length: Int
        public let qtype: UInt16
    }

    /// - Parameters:
    ///   - query: one UDP datagram.
    ///   - out: at least `maxResponseLength` bytes.
    ///   - advertisedPayload: the UDP payload size the OPT record advertises (`DNSConfig.maxUDPPayload`).
    public static func respond(to query: UnsafeRawBufferPointer, answers: DNSAnswerTable, advertisedPayload: Int,
                               into out: UnsafeMutableRawBufferPointer) -> Answered? {
        let count = query.count
        guard count >= DNSMessage.headerLength + DNSMessage.minQuestionLength, out.count >= maxResponseLength else { return nil }
        // QR = 0, opcode = 0 (TC, AA, Z, rcode of a query do not change the answer).
        guard query[2] & 0xF8 == 0 else { return nil }
        // QDCOUNT = 1, ANCOUNT = NSCOUNT = 0, ARCOUNT = 0 or 1.
        guard query[4] == 0, query[5] == 1, query[6] == 0, query[7] == 0, query[8] == 0, query[9] == 0, query[10] == 0,
              query[11] <= 1 else { return nil }
        let hasOPT = query[11] == 1
        // The name: uncompressed labels, hashed lowercased as it is walked.
        var hash = DNSAnswerTable.hashSeed
        var index = DNSMessage.headerLength
        while true {
            guard index < count else { return nil }
            let length = Int(query[index])
            guard length & 0xC0 == 0 else { return nil }
            guard index + 1 + length <= count else { return nil }
            for offset in index..<(index + 1 + length) { hash = DNSAnswerTable.mix(hash, DNSAnswerTable.fold(query[offset])) }
            index += 1 + length
            if length == 0 { break }
        }
        let nameEnd = index
        guard nameEnd - DNSMessage.headerLength <= DNSName.maxLength, nameEnd + 4 <= count else { return nil }
        // Class IN only.
        guard query[nameEnd + 2] == 0, query[nameEnd + 3] == 1 else { return nil }
        hash = DNSAnswerTable.mix(DNSAnswerTable.mix(hash, query[nameEnd]), query[nameEnd + 1])
        var end = nameEnd + 4
        if hasOPT {
            // Root owner, type OPT, any payload size, extended rcode any, version 0, any flags, no options.
            guard end + optLength == count, query[end] == 0, query[end + 1] == 0, query[end + 2] == 41,
                  query[end + 6] == 0, query[end + 9] == 0, query[end + 10] == 0 else { return nil }
            end += optLength
        }
        guard end == count, let entry = answers[hash] else { return nil }
        // The key is the lowercased name and qtype: compare what the hash covered.
        let keyLength = nameEnd + 2 - DNSMessage.headerLength
        guard entry.key.count == keyLength else { return nil }
        var exact = true
        for offset in 0..<keyLength {
            let byte = query[DNSMessage.headerLength + offset]
            let stored = entry.key[offset]
            if byte != stored {
                guard DNSAnswerTable.fold(byte) == stored else { return nil }
                exact = false
            }
        }
        guard exact || entry.caseFree else { return nil }
        let response = entry.response
        let length = response.count + (hasOPT ? optLength : 0)
        guard length <= maxResponseLength else { return nil }
        response.withUnsafeBytes { source in
            out.copyMemory(from: source)
        }
        // Id, RD and CD from the query; the question as the query wrote it.
        out[0] = query[0]
        out[1] = query[1]
        out[2] |= query[2] & 0x01
        out[3] |= query[3] & 0x10
        for offset in DNSMessage.headerLength..<nameEnd { out[offset] = query[offset] }
        if hasOPT {
            let at = response.count
            let payload = UInt16(clamping: advertisedPayload)
            out[at] = 0
            out[at + 1] = 0
            out[at + 2] = 41
            out[at + 3] = UInt8(payload >> 8)
            out[at + 4] = UInt8(payload & 0xFF)
            for offset in (at + 5)..<(at + optLength) { out[offset] = 0 }
            let additional = (UInt16(out[10]) << 8 | UInt16(out[11])) + 1
            out[10] = UInt8(additional >> 8)
            out[11] = UInt8(additional & 0xFF)
        }
        return Answered(length: length, qtype: UInt16(query[nameEnd]) << 8 | UInt16(query[nameEnd + 1]))
    }
}
