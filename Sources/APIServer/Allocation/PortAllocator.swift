import Synchronization

/// Hands out NodePorts from a port range (default 30000-32767), next-fit like the ClusterIP allocator.
public final class PortAllocator: Sendable {
    public let range: ClosedRange<Int>
    private let state: Mutex<(bits: Bitmap, cursor: Int)>

    public init(range: ClosedRange<Int> = 30000...32767) {
        self.range = range
        self.state = Mutex((Bitmap(count: range.count), 0))
    }

    public static func parse(_ text: String) throws(AllocationError) -> ClosedRange<Int> {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let low = Int(parts[0]), let high = Int(parts[1]), 1 <= low, low <= high, high <= 65535 else {
            throw .invalidRange("\(text) is not a port range such as 30000-32767")
        }
        return low...high
    }

    public func allocateNext() throws(AllocationError) -> Int {
        let count = range.count
        let offset: Int? = state.withLock { state in
            guard let found = state.bits.firstClear(in: 0..<count, from: state.cursor) else { return nil }
            _ = state.bits.insert(found)
            state.cursor = found + 1
            return found
        }
        guard let offset else { throw .full("no NodePort is free in the range \(range.lowerBound)-\(range.upperBound)") }
        return range.lowerBound + offset
    }

    public func allocate(_ port: Int) throws(AllocationError) {
        guard range.contains(port) else {
            throw .outOfRange("provided port is not in the valid range. The range of valid ports is \(range.lowerBound)-\(range.upperBound)")
        }
        let inserted = state.withLock { $0.bits.insert(port - range.lowerBound) }
        guard inserted else { throw .alreadyAllocated("provided port is already allocated") }
    }

    public func release(_ port: Int) {
        guard range.contains(port) else { return }
        state.withLock { $0.bits.remove(port - range.lowerBound) }
    }

    public func isAllocated(_ port: Int) -> Bool {
        guard range.contains(port) else { return false }
        return state.withLock { $0.bits.contains(port - range.lowerBound) }
    }
}
