import Foundation
import Prometheus
import SkiffMetrics
import Testing

/// The metrics endpoint over a real socket on 127.0.0.1 (port 0).
@Suite struct MetricsServerTests {
    /// Runs `body` against a server with its own registry, then closes it.
    static func withServer(_ body: (MetricsServer, PrometheusCollectorRegistry, ProgrammedRevisions) async throws -> Void) async throws {
        let registry = PrometheusCollectorRegistry()
        let programmed = ProgrammedRevisions()
        let server = try await MetricsServer.bind(ListenAddress(host: "127.0.0.1", port: 0), registry: registry, programmed: programmed)
        do {
            try await body(server, registry, programmed)
        } catch {
            await server.close()
            throw error
        }
        await server.close()
    }

    @Test func servesPrometheusText() async throws {
        try await Self.withServer { server, registry, _ in
            registry.makeCounter(name: "skiff_test_total", labels: [("kind", "a")], help: "a test counter").increment(by: Int64(3))
            let response = try httpGet(port: server.port, path: "/metrics")
            #expect(response.status == 200)
            #expect(response.body.contains("# TYPE skiff_test_total counter"), "\(response.body)")
            #expect(response.body.contains(#"skiff_test_total{kind="a"} 3"#), "\(response.body)")
        }
    }

    @Test func servesProgrammedRevisionsAsJSON() async throws {
        try await Self.withServer { server, _, programmed in
            let before = try httpGet(port: server.port, path: "/programmed")
            #expect(before.status == 200)
            #expect(before.body == #"{"ready":false,"revision":"0","services":{}}"#)

            programmed.publish(services: ["default/ent": "12", "shop/cart": "9"], revision: 14)
            let after = try httpGet(port: server.port, path: "/programmed")
            let decoded = try JSONDecoder().decode(ProgrammedRevisions.Snapshot.self, from: Data(after.body.utf8))
            #expect(decoded == ProgrammedRevisions.Snapshot(ready: true, revision: "14", services: ["default/ent": "12", "shop/cart": "9"]))
            #expect(after.body == #"{"ready":true,"revision":"14","services":{"default/ent":"12","shop/cart":"9"}}"#)
        }
    }

    @Test(arguments: [("/nothing", "GET", 404), ("/", "GET", 404), ("/metrics", "POST", 405), ("/metrics?x=1", "GET", 200)])
    func otherRequests(path: String, method: String, status: Int) async throws {
        try await Self.withServer { server, _, _ in
            let response = try httpGet(port: server.port, path: path, method: method)
            #expect(response.status == status, "\(response.body)")
        }
    }
}

@Suite struct ProgrammedRevisionsTests {
    @Test func advanceOnlyMovesForward() {
        let programmed = ProgrammedRevisions()
        programmed.publish(services: ["default/a": "5"], revision: 10)
        programmed.advance(to: 8)
        #expect(programmed.current.revision == "10")
        programmed.advance(to: 11)
        #expect(programmed.current == ProgrammedRevisions.Snapshot(ready: true, revision: "11", services: ["default/a": "5"]))
    }
}
