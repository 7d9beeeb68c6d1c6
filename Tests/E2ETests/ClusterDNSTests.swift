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

        let applied = await cluster.skiffctl(["apply", "-f", try cluster.write("ent.yaml", Self.manifest)])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        let json = await cluster.skiffctl(["get", "svc", "ent", "-o", "json"])
        let clusterIP = try #require(try JSONDecoder().decode(Service.self, from: Data(json.stdout.utf8)).spec?.clusterIP)

        try await waitUntil("dig answers \(clusterIP)", timeout: .seconds(15)) {
            guard controller.isRunning else { throw HarnessError("coredns-controller exited:\n\(controller.log)") }
            return await cluster.dig(port: port, [name, "A", "+short"]).trimmingCharacters(in: .whitespacesAndNewlines) == clusterIP
        }
        #expect(await cluster.dig(port: port, [name, "A", "+short", "+tcp"]).trimmingCharacters(in: .whitespacesAndNewlines) == clusterIP)
        let srv = await cluster.dig(port: port, ["_http._tcp.\(name)", "SRV", "+short"])
        #expect(srv.trimmingCharacters(in: .whitespacesAndNewlines) == "0 100 80 \(name).", "\(srv)")
        let missing = await cluster.dig(port: port, ["missing.default.svc.cluster.local", "A"])
        #expect(missing.contains("status: NXDOMAIN"), "\(missing)")
        let version = await cluster.dig(port: port, ["dns-version.cluster.local", "TXT"])
        #expect(version.contains("status: NOERROR"), "\(version)")

        // The apiserver goes away: the last good answers stay.
        try await cluster.stopAPIServer()
        #expect(await cluster.dig(port: port, [name, "A", "+short"]).trimmingCharacters(in: .whitespacesAndNewlines) == clusterIP)

        // It comes back; the controller catches up and sees the deletion.
        try await cluster.startAPIServer()
        let deleted = await cluster.skiffctl(["delete", "svc", "ent"])
        #expect(deleted.status == 0, "\(deleted.stdout)\(deleted.stderr)")
        try await waitUntil("dig answers NXDOMAIN for the deleted Service", timeout: .seconds(30)) {
            await cluster.dig(port: port, [name, "A"]).contains("status: NXDOMAIN")
        }

        #expect(try await controller.stop() == 0, "\(controller.log)")
    }

    @Test(.enabled(if: ClusterHarness.hasDig, "dig is not installed at /usr/bin/dig"))
    func servfailUntilTheFirstSync() async throws {
        let cluster = try ClusterHarness()
        // No apiserver yet: the controller cannot sync, so it must not claim names are missing.
        let (controller, port) = try await cluster.startDNSController()
        let early = await cluster.dig(port: port, ["ent.default.svc.cluster.local", "A"])
        #expect(early.contains("status: SERVFAIL"), "\(early)")

        try await cluster.startAPIServer()
        try await waitUntil("dig answers NXDOMAIN once synced", timeout: .seconds(30)) {
            await cluster.dig(port: port, ["ent.default.svc.cluster.local", "A"]).contains("status: NXDOMAIN")
        }
        #expect(try await controller.stop() == 0, "\(controller.log)")
    }

    static let headless = """
        apiVersion: v1
        kind: Service
        metadata: {name: db}
        spec:
          clusterIP: None
          selector: {app: db}
          ports:
          - {name: pg, port: 5432}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: ext}
        spec: {type: ExternalName, externalName: db.example.org}

        """ + (1...2).map { """
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: db-\($0), labels: {app: db}}
        spec:
          hostname: db-\($0)
          subdomain: db
          containers:
          - {name: pg, image: postgres, ports: [{name: pg, containerPort: 5432}]}

        """ }.joined()

    /// A status-only manifest making Pod db-`pod` Running at 10.244.0.`pod`, ready or not.
    static func status(_ pod: Int, ready: Bool) -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: db-\(pod)}
        status:
          phase: Running
          podIP: 10.244.0.\(pod)
          conditions:
          - {type: Ready, status: "\(ready ? "True" : "False")"}

        """
    }

    /// dig's `+short` answer lines, sorted.
    static func lines(_ output: String) -> [String] {
        output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.sorted()
    }

    /// Headless Service with hostname/subdomain Pods (A, hostname A, SRV, readiness), ExternalName (CNAME, then
    /// changed to ClusterIP: A and PTR), NXDOMAIN vs NODATA with the SOA; with the real endpoints-controller.
    @Test(.enabled(if: ClusterHarness.hasDig, "dig is not installed at /usr/bin/dig"))
    func headlessExternalNameAndNegativeAnswers() async throws {
        let cluster = try ClusterHarness()
        try await cluster.startAPIServer()
        let endpoints = try cluster.startEndpointsController()
        let (controller, port) = try await cluster.startDNSController(extraArguments: ["--metrics-listen", "127.0.0.1:0"])
        let dig = { (arguments: [String]) async in await cluster.dig(port: port, arguments) }
        let svc = "db.default.svc.cluster.local"

        let applied = await cluster.skiffctl(["apply", "-f", try cluster.write("db.yaml", Self.headless)])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        let ready = await cluster.skiffctl(["apply", "--subresource", "status", "-f",
                                      try cluster.write("ready.yaml", Self.status(1, ready: true) + "---\n" + Self.status(2, ready: true))])
        #expect(ready.status == 0, "\(ready.stdout)\(ready.stderr)")

        try await waitUntil("both Pods answer for the headless Service", timeout: .seconds(20)) {
            guard controller.isRunning, endpoints.isRunning else { throw HarnessError("a controller exited:\n\(controller.log)\n\(endpoints.log)") }
            return Self.lines(await dig([svc, "A", "+short"])) == ["10.244.0.1", "10.244.0.2"]
        }
        #expect(Self.lines(await dig(["db-1.\(svc)", "A", "+short"])) == ["10.244.0.1"])
        #expect(Self.lines(await dig(["DB-2.\(svc)", "A", "+short", "+tcp"])) == ["10.244.0.2"])
        let srv = Self.lines(await dig(["_pg._tcp.\(svc)", "SRV", "+short"]))
        #expect(srv.count == 2 && srv.allSatisfy { $0.hasSuffix(" 5432 db-1.\(svc).") || $0.hasSuffix(" 5432 db-2.\(svc).") }, "\(srv)")

        // The metrics endpoint: queries counted, and the served resourceVersion of each Service.
        let metricsPort = try #require(ClusterHarness.loggedMetricsPort(controller.log), "\(controller.log)")
        let metrics = try #require(await cluster.curlBody("http://127.0.0.1:\(metricsPort)/metrics"), "curl (dependency) failed")
        #expect(metrics.contains(#"skiff_dns_queries_total{transport="udp",qtype="SRV"} 1"#), "\(metrics)")
        #expect(metrics.contains("skiff_dns_programming_latency_seconds_bucket"), "\(metrics)")
        let programmed = try #require(await cluster.curlBody("http://127.0.0.1:\(metricsPort)/programmed"))
        let served = try JSONDecoder().decode(Programmed.self, from: Data(programmed.utf8))
        let stored = try JSONDecoder().decode(Service.self, from: Data(await cluster.skiffctl(["get", "svc", "db", "-o", "json"]).stdout.utf8))
        #expect(served.ready && served.services["default/db"] == stored.metadata.resourceVersion, "\(programmed)")

        // Not ready Pods leave the answer; none ready: NXDOMAIN.
        _ = await cluster.skiffctl(["apply", "--subresource", "status", "-f", try cluster.write("two.yaml", Self.status(2, ready: false))])
        try await waitUntil("db-2 leaves the answer", timeout: .seconds(20)) { Self.lines(await dig([svc, "A", "+short"])) == ["10.244.0.1"] }
        #expect(await dig(["db-2.\(svc)", "A"]).contains("status: NXDOMAIN"))
        _ = await cluster.skiffctl(["apply", "--subresource", "status", "-f", try cluster.write("one.yaml", Self.status(1, ready: false))])
        try await waitUntil("no ready endpoint: NXDOMAIN", timeout: .seconds(20)) { await dig([svc, "A"]).contains("status: NXDOMAIN") }

        // ExternalName: a CNAME, nothing else; NODATA for another type, NXDOMAIN below it, both with the SOA.
        let ext = "ext.default.svc.cluster.local"
        #expect(Self.lines(await dig([ext, "CNAME", "+short"])) == ["db.example.org."])
        let missing = await dig(["nope.default.svc.cluster.local", "A"])
        #expect(missing.contains("status: NXDOMAIN") && missing.contains("AUTHORITY: 1") && missing.contains("\tSOA\t"), "\(missing)")
        let nodata = await dig(["dns-version.cluster.local", "A"])
        #expect(nodata.contains("status: NOERROR") && nodata.contains("ANSWER: 0") && nodata.contains("\tSOA\t"), "\(nodata)")

        // ExternalName changed to ClusterIP: an A record and its PTR.
        let changed = await cluster.skiffctl(["apply", "-f", try cluster.write("ext.yaml", """
            apiVersion: v1
            kind: Service
            metadata: {name: ext}
            spec:
              type: ClusterIP
              ports: [{name: http, port: 80}]

            """)])
        #expect(changed.status == 0, "\(changed.stdout)\(changed.stderr)")
        let json = await cluster.skiffctl(["get", "svc", "ext", "-o", "json"])
        let clusterIP = try #require(try JSONDecoder().decode(Service.self, from: Data(json.stdout.utf8)).spec?.clusterIP)
        try await waitUntil("ext answers its ClusterIP", timeout: .seconds(20)) { Self.lines(await dig([ext, "A", "+short"])) == [clusterIP] }
        #expect(Self.lines(await dig(["-x", clusterIP, "+short"])) == ["\(ext)."])
        #expect(Self.lines(await dig([ext, "CNAME", "+short"])) == [])

        #expect(try await controller.stop() == 0, "\(controller.log)")
        #expect(try await endpoints.stop() == 0, "\(endpoints.log)")
    }

    /// 200 ready endpoints in two slices written directly: the UDP answer is truncated (TC), TCP has all 200.
    @Test(.enabled(if: ClusterHarness.hasDig, "dig is not installed at /usr/bin/dig"))
    func truncationWith200Endpoints() async throws {
        let cluster = try ClusterHarness()
        try await cluster.startAPIServer()
        let (controller, port) = try await cluster.startDNSController()
        let slices = (0..<2).map { slice in
            """
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: big-\(slice), labels: {kubernetes.io/service-name: big}}
            addressType: IPv4
            ports: [{name: http, protocol: TCP, port: 8080}]
            endpoints:
            """ + (1...100).map { "\n- {addresses: [10.244.\(slice).\($0)], conditions: {ready: true}}" }.joined() + "\n"
        }
        let manifest = "apiVersion: v1\nkind: Service\nmetadata: {name: big}\nspec: {clusterIP: None, ports: [{name: http, port: 80}]}\n---\n"
            + slices.joined(separator: "---\n")
        let applied = await cluster.skiffctl(["apply", "-f", try cluster.write("big.yaml", manifest)])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")

        let name = "big.default.svc.cluster.local"
        try await waitUntil("all 200 endpoints over TCP", timeout: .seconds(20)) {
            guard controller.isRunning else { throw HarnessError("coredns-controller exited:\n\(controller.log)") }
            return Self.lines(await cluster.dig(port: port, [name, "A", "+short", "+tcp"])).count == 200
        }
        let udp = await cluster.dig(port: port, [name, "A", "+ignore", "+notcp"])
        let flags = udp.split(separator: "\n").first { $0.contains(";; flags:") } ?? ""
        #expect(flags.contains(" tc"), "\(udp)")
        #expect(try await controller.stop() == 0, "\(controller.log)")
    }

    /// The `/programmed` document of coredns-controller.
    struct Programmed: Decodable {
        let ready: Bool
        let revision: String
        let services: [String: String]
    }
}
