import Foundation

/// An IPv4 CIDR such as 127.96.0.0/16, with the usable addresses numbered from 0.
/// The network and broadcast addresses are excluded, as Kubernetes' service IP allocator does.
public struct IPv4Range: Sendable, Equatable, CustomStringConvertible {
    public let network: UInt32
    public let prefixLength: Int

    public init(cidr: String) throws {
        let parts = cidr.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let prefix = Int(parts[1]), (0...32).contains(prefix),
              let address = IPv4Range.parse(String(parts[0]))
        else { throw AllocationError.invalidRange("\(cidr) is not an IPv4 CIDR such as 127.96.0.0/16") }
        guard prefix <= 30 else { throw AllocationError.invalidRange("\(cidr) is too small for a service range: use /30 or larger") }
        let mask: UInt32 = prefix == 0 ? 0 : ~UInt32(0) << UInt32(32 - prefix)
        self.network = address & mask
        self.prefixLength = prefix
    }

    /// Number of usable addresses (excluding network and broadcast).
    public var size: Int { (1 << (32 - prefixLength)) - 2 }

    public func contains(_ address: UInt32) -> Bool { offset(of: address) != nil }

    /// The index of a usable address, or nil when it is outside the range or is the network/broadcast address.
    public func offset(of address: UInt32) -> Int? {
        let delta = Int64(address) - Int64(network)
        guard delta >= 1, delta <= Int64(size) else { return nil }
        return Int(delta - 1)
    }

    public func address(at offset: Int) -> UInt32 { network + UInt32(offset + 1) }

    public var description: String { "\(IPv4Range.format(network))/\(prefixLength)" }

    public static func parse(_ text: String) -> UInt32? {
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        return UInt32(bigEndian: address.s_addr)
    }

    public static func format(_ address: UInt32) -> String {
        "\(address >> 24).\((address >> 16) & 0xff).\((address >> 8) & 0xff).\(address & 0xff)"
    }
}

public enum AllocationError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidRange(String)
    case full(String)
    case alreadyAllocated(String)
    case outOfRange(String)

    public var description: String {
        switch self {
        case .invalidRange(let message), .full(let message), .alreadyAllocated(let message), .outOfRange(let message): message
        }
    }
}
