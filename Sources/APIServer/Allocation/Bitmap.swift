/// A set of small integers as bits, for allocators: O(1) mark and test, next-fit search for a free bit.
struct Bitmap: Sendable {
    private var words: [UInt64]
    let count: Int
    private(set) var used = 0

    init(count: Int) {
        self.count = count
        self.words = Array(repeating: 0, count: (count + 63) / 64)
    }

    func contains(_ index: Int) -> Bool { words[index >> 6] & (1 << UInt64(index & 63)) != 0 }

    /// Sets the bit; returns false if it was already set.
    mutating func insert(_ index: Int) -> Bool {
        guard !contains(index) else { return false }
        words[index >> 6] |= 1 << UInt64(index & 63)
        used += 1
        return true
    }

    mutating func remove(_ index: Int) {
        guard contains(index) else { return }
        words[index >> 6] &= ~(1 << UInt64(index & 63))
        used -= 1
    }

    /// The first clear bit at or after `start` in `range`, wrapping around within `range`.
    func firstClear(in range: Range<Int>, from start: Int) -> Int? {
        guard !range.isEmpty else { return nil }
        let origin = range.contains(start) ? start : range.lowerBound
        var index = origin
        repeat {
            let word = words[index >> 6]
            if word == ~UInt64(0) {
                index = min((index | 63) + 1, range.upperBound)  // skip a full word
            } else if word & (1 << UInt64(index & 63)) == 0 {
                return index
            } else {
                index += 1
            }
            if index >= range.upperBound { index = range.lowerBound }
        } while index != origin
        return nil
    }
}
