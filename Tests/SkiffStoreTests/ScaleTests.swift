import Foundation
import Testing
@testable import SkiffStore

/// Measurements printed for the record (never asserted on timing: CI machines vary).
@Suite("Scale", .serialized)
struct ScaleTests {
    @Test("one writer at a time pays one fsync per write (baseline for group commit)")
    func sequentialBaseline() async throws {
        try await withStore(SQLiteStore.Options()) { store in
            let count = 200
            let start = ContinuousClock.now
            for index in 0..<count {
                _ = try await store.write(.create(key("s\(index)"), "{}"))
            }
            let elapsed = ContinuousClock.now - start
            #expect(store.statistics.commits == count)
            print("SkiffStore sequential (debug build, synchronous=FULL): \(count) writes in \(elapsed), \(Int(Double(count) / seconds(elapsed))) writes/s")
        }
    }

    @Test("list of 10,000 objects: all of them, sorted, at latest and at a past revision")
    func largeList() async throws {
        try await withStore { store in
            let value = bytes(String(repeating: "x", count: 1_000))
            for chunk in 0..<10 {
                let writes = (0..<1_000).map { index in
                    StoreWrite.create(key(String(format: "svc-%05d", chunk * 1_000 + index), namespace: "ns\(index % 10)")) { _ in value }
                }
                _ = try await store.writeAll(writes)
            }
            _ = try await store.write(.create(key("other", resource: "pods"), "{}"))

            var start = ContinuousClock.now
            let latest = try await store.list(resource: "services", namespace: nil, atRevision: nil)
            let latestTime = ContinuousClock.now - start
            #expect(latest.objects.count == 10_000)
            #expect(latest.revision == 10_001)
            #expect(latest.objects.map(\.key) == latest.objects.map(\.key).sorted())

            start = ContinuousClock.now
            let namespace = try await store.list(resource: "services", namespace: "ns3", atRevision: nil)
            let namespaceTime = ContinuousClock.now - start
            #expect(namespace.objects.count == 1_000)

            start = ContinuousClock.now
            let past = try await store.list(resource: "services", namespace: nil, atRevision: 5_000)
            let pastTime = ContinuousClock.now - start
            #expect(past.objects.count == 5_000)
            print("SkiffStore list (debug build, 1 KB values): 10,000 at latest in \(latestTime), 1,000 of one namespace in \(namespaceTime), 5,000 at a past revision in \(pastTime)")
        }
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
