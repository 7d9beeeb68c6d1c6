import Foundation
import Testing

/// `skiffctl get -w` against the real apiserver: it prints changes as they happen, keeps going across an
/// apiserver restart, and exits 0 on SIGTERM.
@Suite(.serialized) struct GetWatchTests {
    static func manifest(_ name: String) -> String {
        """
        apiVersion: v1
        kind: Service
        metadata:
          name: \(name)
        spec:
          selector: {app: \(name)}
          ports:
          - port: 80
        """
    }

    func create(_ name: String, in cluster: ClusterHarness) async throws {
        let created = await cluster.skiffctl(["create", "-f", try cluster.write("\(name).yaml", Self.manifest(name))])
        #expect(created.status == 0, "\(created.stderr)")
    }

    @Test func watchStreamsAcrossAnAPIServerRestart() async throws {
        let cluster = try ClusterHarness()
        try await cluster.startAPIServer()
        try await create("before", in: cluster)

        // --watch-timeout only bounds a test that goes wrong; the watch is ended by SIGTERM below.
        let watch = try cluster.streamSkiffctl(["get", "svc", "-w", "-o", "name", "--watch-timeout", "60s"])
        try await watch.waitForLine("service/before")
        try await create("during", in: cluster)
        try await watch.waitForLine("service/during")

        try await cluster.stopAPIServer(signal: SIGTERM)
        try await cluster.startAPIServer()
        try await create("after-restart", in: cluster)
        try await watch.waitForLine("service/after-restart", timeout: .seconds(30))

        let status = try await watch.stop(signal: SIGTERM)
        #expect(status == 0, "stderr: \(watch.stderr)")
        #expect(watch.process.terminationReason == .exit)
        // Each service once: the relist after the restart found nothing new besides after-restart.
        let ours = watch.lines.filter { ["service/before", "service/during", "service/after-restart"].contains($0) }
        #expect(ours == ["service/before", "service/during", "service/after-restart"], "\(watch.lines)")
    }

    @Test func tableRowsDeletionsAndSIGINT() async throws {
        let cluster = try ClusterHarness()
        try await cluster.startAPIServer()
        try await create("web", in: cluster)

        let watch = try cluster.streamSkiffctl(["get", "svc", "web", "-w", "--output-watch-events", "--watch-timeout", "60s"])
        try await waitUntil("the initial row", timeout: .seconds(20)) { watch.lines.contains { $0.hasPrefix("ADDED ") && $0.contains(" web ") } }
        #expect(watch.lines.first?.hasPrefix("EVENT ") == true, "\(watch.lines)")
        try await create("other", in: cluster)
        let deleted = await cluster.skiffctl(["delete", "svc", "web"])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        try await waitUntil("the deletion row", timeout: .seconds(20)) { watch.lines.contains { $0.hasPrefix("DELETED ") && $0.contains(" web ") } }
        #expect(!watch.lines.contains { $0.contains(" other ") }, "a name filters events: \(watch.lines)")
        #expect(try await watch.stop(signal: SIGINT) == 0)
    }
}
