/// EDNS0 as carried by an OPT pseudo-record (RFC 6891 6.1.3).
public struct EDNS: Equatable, Sendable {
    public var udpPayloadSize: UInt16
    public var version: UInt8 = 0
    public var dnssecOK = false
    /// Raw option TLVs, checked for well-formedness when parsed but not interpreted.
    public var options: [UInt8] = []

    public init(udpPayloadSize: UInt16, version: UInt8 = 0, dnssecOK: Bool = false, options: [UInt8] = []) {
        self.udpPayloadSize = udpPayloadSize
        self.version = version
        self.dnssecOK = dnssecOK
        self.options = options
    }
}
