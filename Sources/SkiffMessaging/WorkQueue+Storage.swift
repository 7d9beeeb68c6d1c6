/// A FIFO of keys with O(1) amortized `append` and `popFirst` (the standard library has no deque).
struct KeyFIFO<Key> {
    private var items: [Key] = []
    private var head = 0

    var count: Int { items.count - head }
    var isEmpty: Bool { head == items.count }

    mutating func append(_ key: Key) {
        items.append(key)
    }

    mutating func popFirst() -> Key? {
        guard head < items.count else { return nil }
        let key = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64, head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return key
    }
}

/// Keys waiting for a ready time: a binary min-heap ordered by (ready time, insertion order), plus each key's
/// current ready time. Moving a key earlier pushes a new entry; the old one is skipped when it surfaces.
struct DelayedKeys<Key: Hashable> {
    private struct Entry {
        var readyAt: Duration
        var sequence: UInt64
        var key: Key

        func precedes(_ other: Entry) -> Bool {
            (readyAt, sequence) < (other.readyAt, other.sequence)
        }
    }

    private var heap: [Entry] = []
    private var readyAt: [Key: Duration] = [:]
    private var sequence: UInt64 = 0

    var count: Int { readyAt.count }

    /// The earliest ready time, nil when no key waits.
    var earliest: Duration? {
        mutating get {
            dropStaleTop()
            return heap.first?.readyAt
        }
    }

    /// Schedules `key` at `time` unless it already waits for an earlier (or the same) time.
    /// Returns whether the schedule changed.
    mutating func insert(_ key: Key, readyAt time: Duration) -> Bool {
        if let current = readyAt[key], current <= time { return false }
        readyAt[key] = time
        sequence += 1
        push(Entry(readyAt: time, sequence: sequence, key: key))
        return true
    }

    /// Removes and returns the keys ready at `now`, earliest first.
    mutating func popReady(now: Duration) -> [Key] {
        var ready: [Key] = []
        while let top = heap.first, top.readyAt <= now {
            popTop()
            if readyAt[top.key] == top.readyAt {
                readyAt[top.key] = nil
                ready.append(top.key)
            }
        }
        return ready
    }

    mutating func removeAll() {
        heap.removeAll()
        readyAt.removeAll()
    }

    private mutating func dropStaleTop() {
        while let top = heap.first, readyAt[top.key] != top.readyAt {
            popTop()
        }
    }

    private mutating func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func popTop() {
        heap.swapAt(0, heap.count - 1)
        heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var first = parent
            if left < heap.count, heap[left].precedes(heap[first]) { first = left }
            if right < heap.count, heap[right].precedes(heap[first]) { first = right }
            guard first != parent else { return }
            heap.swapAt(parent, first)
            parent = first
        }
    }
}
