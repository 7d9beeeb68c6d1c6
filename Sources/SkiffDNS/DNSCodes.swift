// The registered numbers Skiff uses: response codes and record types (IANA DNS parameters).

public struct DNSRcode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// 12 bits: 4 in the header, 8 more in the OPT record.
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue & 0xFFF }

    public static let noError = DNSRcode(rawValue: 0)
    public static let formErr = DNSRcode(rawValue: 1)
    public static let servFail = DNSRcode(rawValue: 2)
    public static let nxDomain = DNSRcode(rawValue: 3)
    public static let notImp = DNSRcode(rawValue: 4)
    public static let refused = DNSRcode(rawValue: 5)
    public static let badVers = DNSRcode(rawValue: 16)

    public var description: String {
        switch self {
        case .noError: "NOERROR"
        case .formErr: "FORMERR"
        case .servFail: "SERVFAIL"
        case .nxDomain: "NXDOMAIN"
        case .notImp: "NOTIMP"
        case .refused: "REFUSED"
        case .badVers: "BADVERS"
        default: "RCODE\(rawValue)"
        }
    }
}

public struct DNSType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let a = DNSType(rawValue: 1)
    public static let ns = DNSType(rawValue: 2)
    public static let cname = DNSType(rawValue: 5)
    public static let soa = DNSType(rawValue: 6)
    public static let ptr = DNSType(rawValue: 12)
    public static let mx = DNSType(rawValue: 15)
    public static let txt = DNSType(rawValue: 16)
    public static let aaaa = DNSType(rawValue: 28)
    public static let srv = DNSType(rawValue: 33)
    public static let opt = DNSType(rawValue: 41)
    public static let ixfr = DNSType(rawValue: 251)
    public static let axfr = DNSType(rawValue: 252)
    public static let any = DNSType(rawValue: 255)

    public var description: String {
        switch self {
        case .a: "A"
        case .ns: "NS"
        case .cname: "CNAME"
        case .soa: "SOA"
        case .ptr: "PTR"
        case .mx: "MX"
        case .txt: "TXT"
        case .aaaa: "AAAA"
        case .srv: "SRV"
        case .opt: "OPT"
        case .ixfr: "IXFR"
        case .axfr: "AXFR"
        case .any: "ANY"
        default: "TYPE\(rawValue)"
        }
    }
}
