/// Record data for the types Skiff answers with; anything else is kept as raw bytes (RFC 3597).
public enum RData: Equatable, Sendable, CustomStringConvertible {
    case a(IPAddr)
    case aaaa(IPAddr)
    case cname(DNSName)
    case ns(DNSName)
    case ptr(DNSName)
    case srv(priority: UInt16, weight: UInt16, port: UInt16, target: DNSName)
    /// Character strings, each at most 255 bytes.
    case txt([[UInt8]])
    case soa(SOAData)
    case unknown(DNSType, [UInt8])

    public var type: DNSType {
        switch self {
        case .a: .a
        case .aaaa: .aaaa
        case .cname: .cname
        case .ns: .ns
        case .ptr: .ptr
        case .srv: .srv
        case .txt: .txt
        case .soa: .soa
        case .unknown(let type, _): type
        }
    }

    public var description: String {
        switch self {
        case .a(let ip), .aaaa(let ip): return ip.description
        case .cname(let name), .ns(let name), .ptr(let name): return name.description
        case .srv(let priority, let weight, let port, let target): return "\(priority) \(weight) \(port) \(target)"
        case .txt(let strings):
            return strings.map { "\"" + String(decoding: $0, as: UTF8.self) + "\"" }.joined(separator: " ")
        case .soa(let soa):
            return "\(soa.mname) \(soa.rname) \(soa.serial) \(soa.refresh) \(soa.retry) \(soa.expire) \(soa.minimum)"
        case .unknown(_, let bytes):
            return "\\# \(bytes.count)" + (bytes.isEmpty ? "" : " " + bytes.map { hexByte($0) }.joined())
        }
    }
}

/// The SOA fields (RFC 1035 3.3.13); `minimum` doubles as the negative-caching TTL (RFC 2308).
public struct SOAData: Equatable, Sendable {
    public var mname: DNSName
    public var rname: DNSName
    public var serial: UInt32
    public var refresh: UInt32
    public var retry: UInt32
    public var expire: UInt32
    public var minimum: UInt32

    public init(mname: DNSName, rname: DNSName, serial: UInt32, refresh: UInt32, retry: UInt32, expire: UInt32, minimum: UInt32) {
        self.mname = mname
        self.rname = rname
        self.serial = serial
        self.refresh = refresh
        self.retry = retry
        self.expire = expire
        self.minimum = minimum
    }
}

func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
}
