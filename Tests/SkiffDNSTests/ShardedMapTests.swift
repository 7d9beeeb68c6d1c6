@testable import SkiffDNS
import Testing

@Suite struct ShardedMapTests {
    @Test func isAValue() {
        var a = ShardedMap<Int, String>()
        for i in 0..<1000 { a[i] = "v\(i)" }
        let b = a
        a[5] = "changed"
        a[1000] = "new"
        a[7] = nil
        #expect(b[5] == "v5" && b[7] == "v7" && b[1000] == nil && b.count == 1000)
        #expect(a[5] == "changed" && a[7] == nil && a[1000] == "new" && a.count == 1000)
        #expect(a != b)
    }

    @Test func countsThroughUpdate() {
        var map = ShardedMap<String, Int>()
        map.update("x") { $0 = 1 }
        map.update("y") { $0 = ($0 ?? 0) + 1 }
        map.update("x") { $0 = nil }
        map.update("z") { _ in }
        #expect(map.count == 1 && map.keys == ["y"])
        var same = ShardedMap<String, Int>()
        same["y"] = 1
        #expect(map == same)
    }
}
