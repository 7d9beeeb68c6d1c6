/// The answer to one question: what goes in the response besides the header's id and the question.
public struct DNSAnswer: Equatable, Sendable {
    public var rcode: DNSRcode
    public var authoritative: Bool
    public var answers: [ResourceRecord]
    public var authority: [ResourceRecord]
    public var additional: [ResourceRecord]

    public init(rcode: DNSRcode, authoritative: Bool = false, answers: [ResourceRecord] = [],
                authority: [ResourceRecord] = [], additional: [ResourceRecord] = []) {
        self.rcode = rcode
        self.authoritative = authoritative
        self.answers = answers
        self.authority = authority
        self.additional = additional
    }
}
