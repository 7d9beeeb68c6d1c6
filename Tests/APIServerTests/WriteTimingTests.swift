@testable import APIServer
import Foundation
import SkiffAPI
import SkiffMessaging
import Testing

/// Each write a request makes keeps when the request was received, authorized, allocated and admitted, and the
/// history reply returns it: the steps `skiffctl describe svc` shows before `persisted`.
@Suite struct WriteTimingTests {
    @Test func aCreateThroughTheHandlerKeepsItsStepsInOrder() async throws {
        let api = try await TestAPI()
        let before = Date()
        let created = await api.call(.create, "services", namespace: "default", object: service("web"))
        #expect(created.code == 201, "\(created.text)")
        let replied = Date()
        let reply = await api.call(.get, "services", namespace: "default", name: "web", params: ["history": "true"])
        await api.close()
        #expect(reply.code == 200, "\(reply.text)")
        let version = try #require(try reply.decode(ObjectHistory<Service>.self).items.first)
        let timing = try #require(version.timing)
        let committed = try #require(version.committed)
        let steps = [timing.received, timing.authorized, timing.allocationStarted, timing.allocated, timing.admitted, committed]
        let dates = try steps.map { try #require($0).date }
        // MicroTime keeps microseconds: a step may equal the one before it, never precede it.
        #expect(zip(dates, dates.dropFirst()).allSatisfy { $0 <= $1 }, "\(dates)")
        #expect(dates.first! >= before.addingTimeInterval(-0.000_001) && dates.last! <= replied.addingTimeInterval(0.000_001))
    }

    @Test func anUpdateThatKeepsItsClusterIPHasNoAllocationAndInternalWritesHaveNoTiming() async throws {
        let api = try await TestAPI()
        _ = await api.call(.create, "services", namespace: "default", object: service("web"))
        var changed = service("web")
        changed.metadata.labels = ["tier": "front"]
        let updated = await api.call(.update, "services", namespace: "default", name: "web", object: changed)
        #expect(updated.code == 200, "\(updated.text)")
        let history = await api.call(.get, "services", namespace: "default", name: "web", params: ["history": "true"])
        // kube-dns is written by the apiserver itself at start, outside any request.
        let dns = await api.call(.get, "services", namespace: "kube-system", name: "kube-dns", params: ["history": "true"])
        await api.close()
        let versions = try history.decode(ObjectHistory<Service>.self).items
        #expect(versions.map(\.type) == ["ADDED", "MODIFIED"])
        let update = try #require(versions.last?.timing)
        #expect(update.admitted != nil && update.authorized != nil)
        #expect(update.allocationStarted == nil && update.allocated == nil)
        #expect(try dns.decode(ObjectHistory<Service>.self).items.allSatisfy { $0.timing == nil })
    }
}
