/// How a query arrived: UDP answers are truncated to the negotiated size, TCP ones only to 65535 bytes.
public enum DNSTransport: Sendable { case udp, tcp }

/// Bytes in, bytes out: the glue between a socket and `RecordBuilder`. Maps every failure to an rcode in one place.
/// Returned bytes are one DNS message; the TCP length prefix is the server's job.
public enum DNSResponder {
    /// - Returns: the response, or nil when the packet should be dropped: shorter than a header, or itself a
    ///   response (answering responses invites reflection loops).
    public static func respond(to packet: [UInt8], over transport: DNSTransport, snapshot: DNSSnapshot, config: DNSConfig) -> [UInt8]? {
        guard packet.count >= DNSMessage.headerLength, packet[2] & 0x80 == 0 else { return nil }
        let query: DNSMessage
        do {
            query = try DNSMessage(parsing: packet)
        } catch {
            return failure(id: UInt16(packet[0]) << 8 | UInt16(packet[1]), flags: packet[2], rcode: .formErr)
        }
        var response = DNSMessage(header: DNSHeader(id: query.header.id, isResponse: true, opcode: query.header.opcode,
                                                    recursionDesired: query.header.recursionDesired))
        response.header.checkingDisabled = query.header.checkingDisabled
        response.questions = query.questions
        if query.edns != nil {
            response.edns = EDNS(udpPayloadSize: UInt16(config.maxUDPPayload))
        }
        if query.header.opcode != 0 {
            response.rcode = .notImp
        } else if query.questions.count != 1 {
            response.rcode = .formErr
        } else if let edns = query.edns, edns.version != 0 {
            // RFC 6891 6.1.3: only version 0 exists.
            response.rcode = .badVers
        } else {
            let answer = RecordBuilder.answer(query.questions[0], snapshot: snapshot, config: config)
            response.rcode = answer.rcode
            response.header.authoritative = answer.authoritative
            response.answers = answer.answers
            response.authority = answer.authority
            response.additional = answer.additional
        }
        return response.serialize(maxSize: maxSize(for: query, over: transport, config: config))
    }

    /// 512 without EDNS (RFC 1035), else the client's buffer size clamped to [512, config.maxUDPPayload].
    static func maxSize(for query: DNSMessage, over transport: DNSTransport, config: DNSConfig) -> Int {
        guard transport == .udp else { return DNSMessage.maxTCPSize }
        guard let edns = query.edns else { return DNSMessage.maxUDPSizeWithoutEDNS }
        return min(max(Int(edns.udpPayloadSize), DNSMessage.maxUDPSizeWithoutEDNS), config.maxUDPPayload)
    }

    /// A bare header with the query's id, opcode and RD: what can be said about a packet that did not parse.
    static func failure(id: UInt16, flags: UInt8, rcode: DNSRcode) -> [UInt8] {
        let header = DNSHeader(id: id, isResponse: true, opcode: (flags >> 3) & 0xF, recursionDesired: flags & 1 != 0)
        return DNSMessage(header: header, rcode: rcode).serialize(maxSize: DNSMessage.maxUDPSizeWithoutEDNS)
    }
}
