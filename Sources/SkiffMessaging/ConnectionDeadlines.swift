/// A min-heap of call deadlines, by request id.
///
/// Entries are not removed when a call completes (that would need a search): `popExpired` skips ids its caller no
/// longer knows, and `compact` drops them in bulk once they outnumber the live calls, which keeps the heap within
/// a small multiple of the calls in flight.
struct ConnectionDeadlines {
    private var heap: [(deadline: ContinuousClock.Instant, id: UInt64)] = []

    var count: Int { heap.count }
    /// The earliest deadline, possibly of a completed call (then the owner merely wakes up early once).
    var next: ContinuousClock.Instant? { heap.first?.deadline }

    mutating func insert(_ id: UInt64, at deadline: ContinuousClock.Instant) {
        heap.append((deadline, id))
        siftUp(heap.count - 1)
    }

    /// Removes and returns the id with the earliest deadline if that deadline is not after `now`.
    mutating func popExpired(now: ContinuousClock.Instant) -> UInt64? {
        guard let first = heap.first, first.deadline <= now else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return first.id
    }

    /// Keeps only the ids `isLive` accepts.
    mutating func compact(isLive: (UInt64) -> Bool) {
        heap.removeAll { !isLive($0.id) }
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
    }

    private mutating func siftUp(_ index: Int) {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var parent = index
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            var smallest = left
            if left + 1 < heap.count && heap[left + 1].deadline < heap[left].deadline { smallest = left + 1 }
            guard heap[smallest].deadline < heap[parent].deadline else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
