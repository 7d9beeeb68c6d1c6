/// Hands out Pod IPs from the node's IPv4 pod CIDR, as the host-local IPAM plugin does: the network address,
/// the first address (the node's gateway on a bridge) and the broadcast address are never given out; the lowest
/// free address goes first. The kubelet rebuilds it at start from the Pods bound to the node that already
/// have an IP, so a restart never hands out an address twice.
public struct PodIPAllocator: Sendable {
    public let cidr: String
    private let base: UInt32
    private let size: UInt32
    private var used: Set<UInt32> = []

    public init(cidr: String) throws(KubeletError) {
        let parts = cidr.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let prefix = Int(parts[1]), (8...30).contains(prefix), let address = Self.parse(String(parts[0])) else {
            throw KubeletError(.invalidFlag, "pod CIDR \(String(reflecting: cidr)) is not an IPv4 CIDR with a prefix between /8 and /30")
        }
        size = UInt32(1) << UInt32(32 - prefix)
        base = address & ~(size - 1)
        guard base == address else {
            throw KubeletError(.invalidFlag, "pod CIDR \(String(reflecting: cidr)) has host bits set (did you mean \(Self.format(base))/\(prefix)?)")
        }
        self.cidr = cidr
    }

    /// The CIDR's first address: the node's bridge (gateway) in the namespace topology.
    public var gateway: String { Self.format(base + 1) }

    public var prefixLength: Int { 32 - size.trailingZeroBitCount }

    /// How many Pod IPs the CIDR can hold.
    public var capacity: Int { Int(size) - 3 }

    public var allocated: Int { used.count }

    /// The lowest free address, now taken; nil when the CIDR is full.
    public mutating func allocate() -> String? {
        var offset: UInt32 = 2
        while offset < size - 1 {
            if !used.contains(offset) {
                used.insert(offset)
                return Self.format(base + offset)
            }
            offset += 1
        }
        return nil
    }

    /// Marks `ip` taken (a Pod that already had it); false when it is not a usable address of the CIDR.
    @discardableResult
    public mutating func reserve(_ ip: String) -> Bool {
        guard let offset = offset(of: ip) else { return false }
        used.insert(offset)
        return true
    }

    public mutating func release(_ ip: String) {
        if let offset = offset(of: ip) { used.remove(offset) }
    }

    public func contains(_ ip: String) -> Bool { offset(of: ip) != nil }

    private func offset(of ip: String) -> UInt32? {
        guard let address = Self.parse(ip), address >= base, address - base >= 2, address - base < size - 1 else { return nil }
        return address - base
    }

    static func parse(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard octet.count <= 3, let byte = UInt8(octet) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }

    static func format(_ value: UInt32) -> String {
        "\(value >> 24).\(value >> 16 & 0xff).\(value >> 8 & 0xff).\(value & 0xff)"
    }
}
