/// A DNS message (RFC 1035 4.1) with EDNS0 (RFC 6891) lifted out of the additional section into `edns`, and the
/// 12-bit response code merged from the header and the OPT record.
public struct DNSMessage: Equatable, Sendable {
    public var header: DNSHeader
    public var rcode: DNSRcode
    public var questions: [DNSQuestion]
    public var answers: [ResourceRecord]
    public var authority: [ResourceRecord]
    public var additional: [ResourceRecord]
    public var edns: EDNS?

    public init(
        header: DNSHeader, rcode: DNSRcode = .noError, questions: [DNSQuestion] = [], answers: [ResourceRecord] = [],
        authority: [ResourceRecord] = [], additional: [ResourceRecord] = [], edns: EDNS? = nil
    ) {
        self.header = header
        self.rcode = rcode
        self.questions = questions
        self.answers = answers
        self.authority = authority
        self.additional = additional
        self.edns = edns
    }
}
