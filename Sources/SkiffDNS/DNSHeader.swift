/// The header's id and flags; the counts are derived from the sections and the rcode lives in `DNSMessage`.
public struct DNSHeader: Equatable, Sendable {
    public var id: UInt16
    public var isResponse = false
    public var opcode: UInt8 = 0
    public var authoritative = false
    public var truncated = false
    public var recursionDesired = false
    public var recursionAvailable = false
    public var authenticData = false
    public var checkingDisabled = false

    public init(id: UInt16, isResponse: Bool = false, opcode: UInt8 = 0, authoritative: Bool = false, recursionDesired: Bool = false) {
        self.id = id
        self.isResponse = isResponse
        self.opcode = opcode
        self.authoritative = authoritative
        self.recursionDesired = recursionDesired
    }
}

public struct DNSQuestion: Equatable, Sendable {
    public var name: DNSName
    public var type: DNSType
    public var qclass: UInt16

    public init(name: DNSName, type: DNSType, qclass: UInt16 = DNSClass.internet) {
        self.name = name
        self.type = type
        self.qclass = qclass
    }
}

public enum DNSClass {
    public static let internet: UInt16 = 1
    public static let any: UInt16 = 255
}
