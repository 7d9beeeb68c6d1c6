/// One resource record. `description` is zone-file text (`name. ttl IN type data`), which tests compare against.
public struct ResourceRecord: Equatable, Sendable, CustomStringConvertible {
    public var name: DNSName
    public var rrClass: UInt16
    public var ttl: UInt32
    public var data: RData

    public init(name: DNSName, ttl: UInt32, data: RData, rrClass: UInt16 = DNSClass.internet) {
        self.name = name
        self.rrClass = rrClass
        self.ttl = ttl
        self.data = data
    }

    public var type: DNSType { data.type }

    public var description: String {
        let cls = rrClass == DNSClass.internet ? "IN" : "CLASS\(rrClass)"
        return "\(name) \(ttl) \(cls) \(type) \(data)"
    }
}
