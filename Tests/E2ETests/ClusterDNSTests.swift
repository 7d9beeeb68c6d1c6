import Foundation
import SkiffAPI
import Testing

/// Cluster DNS end to end: the real apiserver, the real `coredns-controller`, skiffctl to change Services and dig
/// to ask, over UDP and TCP on 127.0.0.1.
@Suite(.serialized) struct ClusterDNSEndToEndTests {
    static let manifest = """
        apiVersion: v1
        kind: Service
        metadata: {name: ent}
        spec:
          selector: {app: ent}
          ports:
          - {name: http, port: 80, targetPort: 8080}

        """

    @Test(.enabled(if: ClusterHarness.hasDig, "dig is not installed at /usr/bin/dig"))
    func answersFollowServices() async throws {
        let cluster = try ClusterHarness()
        try await cluster.startAPIServer()
        let (controller, port) = try await cluster.startDNSController(extraArguments: ["--log-level", "debug"])
        let name = "ent.default.svc.cluster.local"

        let applied = cluster.skiffctl(["apply", "-f", try cluster.write("ent.yaml", Self.manifest)])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        let json = cluster.skiffctl(["get", "svc", "ent", "-o", "json"])
        let clusterIP = try #require(try JSONDecoder().decode(Service.self, from: Data(json.stdout.utf8)).spec?.clusterIP)

        try await waitUntil("dig answers \(clusterIP)", timeout: .seconds(15)) {
            guard controller.isRunning else { throw HarnessError("coredns-controller exited:\n\(controller.log)") }
            return cluster.dig(port: port, [name, "A", "+short"]).trimmingCharacters(in: .whitespacesAndNewlines) == clusterIP
        }
        #expect(cluster.dig(port: port, [name, "A", "+short", "+tcp"]).trimmingCharacters(in: .whitespacesAndNewlines) == clusterIP)
        let srv = cluster.dig(port: port, ["_http._tcp.\(name)", "SRV", "+short"])
        #expect(srv.trimmingCharacters(in: .whitespacesAndNewlines) == "0 100 80 \(name).", "\(srv)")
        let missing = cluster.dig(port: port, ["missing.default.svc.cluster.local", "A"])
        #expect(missing.contains("status: NXDOMAIN"), "\(missing)")
        let version = cluster.dig(port: port, ["dns-version.cluster.local", "TXT"])
        #expect(version.contains("status: NOERROR"), "\(version)")

        // The apiserver goes away: the last good answers stay.
        try await cluster.stopAPIServer()
        #expect(cluster.dig(port: port, [name, "A", "+short"]).trimmingCharacters(in: .whitespacesAndNewlines) == clusterIP)

        // It comes back; the controller catches up and sees the deletion.
        try await cluster.startAPIServer()
        let deleted = cluster.skiffctl(["delete", "svc", "ent"])
        #expect(deleted.status == 0, "\(deleted.stdout)\(deleted.stderr)")
        try await waitUntil("dig answers NXDOMAIN for the deleted Service", timeout: .seconds(30)) {
            cluster.dig(port: port, [name, "A"]).contains("status: NXDOMAIN")
        }

        #expect(try await controller.stop() == 0, "\(controller.log)")
    }

    @Test(.enabled(if: ClusterHarness.hasDig, "dig is not installed at /usr/bin/dig"))
    func servfailUntilTheFirstSync() async throws {
        let cluster = try ClusterHarness()
        // No apiserver yet: the controller cannot sync, so it must not claim names are missing.
        let (controller, port) = try await cluster.startDNSController()
        let early = cluster.dig(port: port, ["ent.default.svc.cluster.local", "A"])
        #expect(early.contains("status: SERVFAIL"), "\(early)")

        try await cluster.startAPIServer()
        try await waitUntil("dig answers NXDOMAIN once synced", timeout: .seconds(30)) {
            cluster.dig(port: port, ["ent.default.svc.cluster.local", "A"]).contains("status: NXDOMAIN")
        }
        #expect(try await controller.stop() == 0, "\(controller.log)")
    }
}
