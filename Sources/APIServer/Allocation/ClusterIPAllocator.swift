import Synchronization

/// Hands out Service ClusterIPs from the service CIDR.
///
/// As Kubernetes does, the lowest addresses (the first 1/16 of the range, between 16 and 256 addresses) are kept
/// for Services that ask for a specific IP, such as kube-dns at the 10th address; automatic allocation uses the
/// rest first and falls back to that band only when the rest is full. The store is the source of truth: the
/// allocator is rebuilt from the stored Services at start and only reserves ahead of a write.
public final class ClusterIPAllocator: Sendable {
    public let range: IPv4Range
    private let staticBand: Int
    private let state: Mutex<(bits: Bitmap, cursor: Int)>

    public init(range: IPv4Range) {
        self.range = range
        self.staticBand = min(max(16, range.size / 16), 256, range.size / 2)
        self.state = Mutex((Bitmap(count: range.size), staticBand))
    }

    /// The Nth usable address of the range (1-based as in Kubernetes' docs: the 10th is kube-dns).
    public func address(number: Int) -> String { IPv4Range.format(range.address(at: number - 1)) }

    /// Allocates the next free address.
    public func allocateNext() throws(AllocationError) -> String {
        let (staticBand, size) = (self.staticBand, range.size)
        let offset: Int? = state.withLock { state in
            let found = state.bits.firstClear(in: staticBand..<size, from: state.cursor)
                ?? state.bits.firstClear(in: 0..<staticBand, from: 0)
            guard let found else { return nil }
            _ = state.bits.insert(found)
            state.cursor = found + 1
            return found
        }
        guard let offset else { throw .full("no ClusterIP is free in the service range \(range)") }
        return IPv4Range.format(range.address(at: offset))
    }

    /// Reserves a specific address a Service asked for.
    public func allocate(_ ip: String) throws(AllocationError) {
        let offset = try self.offset(ip)
        let inserted = state.withLock { $0.bits.insert(offset) }
        guard inserted else { throw .alreadyAllocated("provided IP is already allocated") }
    }

    public func release(_ ip: String) {
        guard let offset = try? offset(ip) else { return }
        state.withLock { $0.bits.remove(offset) }
    }

    public func isAllocated(_ ip: String) -> Bool {
        guard let offset = try? offset(ip) else { return false }
        return state.withLock { $0.bits.contains(offset) }
    }

    public var used: Int { state.withLock { $0.bits.used } }

    private func offset(_ ip: String) throws(AllocationError) -> Int {
        guard let address = IPv4Range.parse(ip), let offset = range.offset(of: address) else {
            throw .outOfRange("provided IP is not in the valid range. The range of valid IPs is \(range)")
        }
        return offset
    }
}
