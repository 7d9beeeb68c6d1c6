import Foundation
import SkiffAPI
@testable import SkiffMessaging
import Testing

/// The informer's indexed cache, and the diff a relist delivers.
@Suite struct ObjectCacheTests {
    static func service(_ name: String, _ namespace: String = "default", revision: Int64, labels: [String: String] = [:],
                        port: Int = 80) -> Service {
        var service = Service(metadata: ObjectMeta(name: name, namespace: namespace, labels: labels),
                              spec: ServiceSpec(ports: [ServicePort(name: "http", port: port)]))
        service.metadata.resourceVersion = String(revision)
        return service
    }

    @Test func keysAreNamespaceSlashNameOrJustTheName() {
        #expect(ObjectCache<Service>.key(namespace: "default", name: "web") == "default/web")
        #expect(ObjectCache<Node>.key(namespace: "", name: "node-1") == "node-1")
        #expect(ObjectCache<Service>.key(for: Self.service("db", "prod", revision: 1)) == "prod/db")
    }

    @Test func labelIndexFollowsUpdatesAndDeletes() {
        var cache = ObjectCache<Service>()
        cache.upsert(Self.service("a", revision: 1, labels: ["app": "web", "tier": "front"]), revision: 1)
        cache.upsert(Self.service("b", revision: 2, labels: ["app": "web"]), revision: 2)
        cache.upsert(Self.service("c", "other", revision: 3, labels: ["app": "db"]), revision: 3)
        #expect(cache.keys(index: ObjectCache<Service>.labelIndex, value: "app=web") == ["default/a", "default/b"])

        cache.upsert(Self.service("a", revision: 4, labels: ["app": "db"]), revision: 4)
        #expect(cache.keys(index: ObjectCache<Service>.labelIndex, value: "app=web") == ["default/b"])
        #expect(cache.keys(index: ObjectCache<Service>.labelIndex, value: "app=db") == ["default/a", "other/c"])
        #expect(cache.indexValues(ObjectCache<Service>.labelIndex) == ["app=db", "app=web"])  // tier=front left with a

        cache.remove("other/c")
        #expect(cache.byIndex(ObjectCache<Service>.labelIndex, "app=db").map(\.name) == ["a"])
        #expect(cache.count == 2)
    }

    @Test func customIndexCoversObjectsCachedBeforeIt() {
        var cache = ObjectCache<Service>()
        cache.upsert(Self.service("a", revision: 1, port: 80), revision: 1)
        cache.upsert(Self.service("b", "kube-system", revision: 2, port: 53), revision: 2)
        cache.addIndex("namespace") { [$0.namespace] }
        cache.addIndex("port") { ($0.spec?.ports ?? []).map { String($0.port) } }
        cache.upsert(Self.service("c", "kube-system", revision: 3, port: 80), revision: 3)
        #expect(cache.byIndex("namespace", "kube-system").map(\.name) == ["b", "c"])
        #expect(cache.byIndex("port", "80").map(\.name) == ["a", "c"])
        #expect(cache.byIndex("port", "443").isEmpty)
        #expect(cache.byIndex("no-such-index", "x").isEmpty)
        #expect(cache.indexValues("no-such-index") == nil)
    }

    @Test func applyIgnoresWhatIsNotNewer() {
        var cache = ObjectCache<Service>()
        let v5 = Self.service("a", revision: 5), v7 = Self.service("a", revision: 7, port: 81)
        #expect(cache.apply(.added, v5, revision: 5) == .added(v5))
        #expect(cache.apply(.modified, v7, revision: 7) == .updated(old: v5, new: v7))
        #expect(cache.apply(.modified, v5, revision: 5) == nil)
        #expect(cache.apply(.modified, v7, revision: 7) == nil)
        #expect(cache.get(namespace: "default", name: "a") == v7)
        #expect(cache.apply(.deleted, v7, revision: 9) == .deleted(v7))
        #expect(cache.apply(.deleted, v7, revision: 10) == nil)  // nothing left to delete
        #expect(cache.isEmpty)
    }

    @Test func replaceDeliversTheDifference() {
        var cache = ObjectCache<Service>()
        let kept = Self.service("kept", revision: 3), changedOld = Self.service("changed", revision: 4)
        let gone = Self.service("gone", revision: 5), newer = Self.service("newer", revision: 30)
        for object in [kept, changedOld, gone, newer] { cache.upsert(object, revision: ObjectCache<Service>.revision(of: object)) }

        let changedNew = Self.service("changed", revision: 12, port: 8080), added = Self.service("added", revision: 15)
        let events = cache.replace(with: [added, changedNew, kept], revision: 20, reset: false)
        #expect(events == [.added(added), .updated(old: changedOld, new: changedNew), .deleted(gone)])
        // "newer" (revision 30) is newer than the list (20): the list cannot know it, so it stays.
        #expect(cache.keys == ["default/added", "default/changed", "default/kept", "default/newer"])
    }

    @Test func replaceNeverGoesBackToAnOlderVersion() {
        var cache = ObjectCache<Service>()
        let current = Self.service("a", revision: 9, port: 90)
        cache.upsert(current, revision: 9)
        let events = cache.replace(with: [Self.service("a", revision: 8)], revision: 8, reset: false)
        #expect(events.isEmpty)
        #expect(cache.get("default/a") == current)
    }

    @Test func resetComparesByContentBecauseRevisionsStartedOver() {
        var cache = ObjectCache<Service>()
        let old = Self.service("a", revision: 900)
        cache.upsert(old, revision: 900)
        cache.upsert(Self.service("b", revision: 901), revision: 901)
        let fresh = Self.service("a", revision: 4)
        let events = cache.replace(with: [fresh], revision: 6, reset: true)
        #expect(events == [.updated(old: old, new: fresh), .deleted(Self.service("b", revision: 901))])
        #expect(cache.revision("default/a") == 4)
    }
}
