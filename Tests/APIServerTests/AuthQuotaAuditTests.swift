@testable import APIServer
import Foundation
import SkiffAPI
import SkiffMessaging
import Testing

@Suite struct AuthQuotaAuditTests {
    @Test(arguments: [
        (1_795_000_000.25, "2026-11-18T11:06:40.250000Z"),
        (946_684_799.5, "1999-12-31T23:59:59.500000Z"),
        (1.75, "1970-01-01T00:00:01.750000Z"),
    ])
    func auditTimestampsAreRFC3339WithMicroseconds(seconds: Double, expected: String) {
        #expect(AuditEvent.timestamp(Date(timeIntervalSince1970: seconds)) == expected)
        let line = String(decoding: AuditEvent(time: Date(timeIntervalSince1970: seconds), user: "u", groups: [], verb: "get",
                                               resource: "services", namespace: "", name: "", decision: "allow", code: 200).jsonLine(), as: UTF8.self)
        #expect(line.hasPrefix(#"{"time":"\#(expected)","user":"u","#), "\(line)")
    }

    @Test func theServiceQuotaRefusesTheServiceOverTheLimit() async throws {
        let auth = try await AuthAPI(maxServices: 2)
        defer { Task { await auth.close() } }
        #expect(await auth.call("admin-token", .create, "services", namespace: "default", object: service("a")).code == 201)
        #expect(await auth.call("admin-token", .create, "services", namespace: "default", object: service("b")).code == 201)
        let third = await auth.call("admin-token", .create, "services", namespace: "default", object: service("c"))
        #expect(third.code == 403)
        #expect(third.status?.message == #"services "c" is forbidden: exceeded quota: max-services-per-namespace, requested: services=1, used: services=2, limited: services=2"#)
        #expect(await auth.call("admin-token", .create, "services", namespace: "kube-public", object: service("c", namespace: "kube-public")).code == 201,
                "the limit is per namespace")
        #expect(await auth.call("admin-token", .delete, "services", namespace: "default", name: "a").code == 200)
        #expect(await auth.call("admin-token", .create, "services", namespace: "default", object: service("c")).code == 201)
        // The refused create held no ClusterIP: 3 Services in default and kube-public got consecutive addresses.
        let list = try await auth.call("admin-token", .list, "services", namespace: "default").decode(ServiceListShape.self)
        #expect(list.items.map(\.name).sorted() == ["b", "c"])
    }

    @Test func concurrentCreatesNeverPassTheServiceQuota() async throws {
        let auth = try await AuthAPI(maxServices: 5)
        defer { Task { await auth.close() } }
        // 60 creates at once: admission of many runs before any commits (the store commits them in groups).
        let codes = await withTaskGroup(of: Int.self) { group in
            for index in 0..<60 {
                group.addTask { await auth.call("admin-token", .create, "services", namespace: "default", object: service("s\(index)")).code }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(codes.filter { $0 == 201 }.count == 5)
        #expect(codes.filter { $0 == 403 }.count == 55)
        let list = try await auth.call("admin-token", .list, "services", namespace: "default").decode(ServiceListShape.self)
        #expect(list.items.count == 5)
        #expect(auth.quota.count(in: "default") == 5)
        // Refused and undone creates hold no slot: after a delete, exactly one more fits.
        #expect(await auth.call("admin-token", .delete, "services", namespace: "default", name: list.items[0].name).code == 200)
        #expect(await auth.call("admin-token", .create, "services", namespace: "default", object: service("again")).code == 201)
        #expect(await auth.call("admin-token", .create, "services", namespace: "default", object: service("over")).code == 403)
    }

    @Test func aDryRunAndARefusedCreateGiveTheirSlotBack() async throws {
        let auth = try await AuthAPI(maxServices: 1)
        defer { Task { await auth.close() } }
        #expect(await auth.call("admin-token", .create, "services", namespace: "default", params: ["dryRun": "All"],
                                body: try JSONEncoder().encode(service("dry"))).code == 201)
        var invalid = service("bad")
        invalid.spec?.ports = [ServicePort(name: "http", port: 70000, targetPort: .int(80))]
        #expect(await auth.call("admin-token", .create, "services", namespace: "default", object: invalid).code == 422)
        #expect(auth.quota.count(in: "default") == 0)
        #expect(await auth.call("admin-token", .create, "services", namespace: "default", object: service("real")).code == 201)
    }

    @Test func everyRequestLeavesAnAuditLineWithItsDecision() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skiff-audit-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("audit.log").path
        let audit = try AuditLog(path: path, maxSizeMB: 100)
        let auth = try await AuthAPI(audit: audit)
        defer { Task { await auth.close() } }
        #expect(await auth.call("ep-token", .create, "services", namespace: "default", object: service("web")).code == 403)
        #expect(await auth.call(nil, .list, "pods").code == 401)
        #expect(await auth.call("admin-token", .get, "services", namespace: "kube-system", name: "kube-dns").code == 200)
        audit.close()

        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        #expect(lines.count == 3)
        #expect(lines.map { $0["decision"] as? String } == ["deny", "deny", "allow"])
        #expect(lines.map { $0["code"] as? Int } == [403, 401, 200])
        #expect(lines[0]["user"] as? String == "system:endpoints-controller")
        #expect(lines[0]["groups"] as? [String] == ["system:authenticated"])
        #expect(lines[0]["verb"] as? String == "create")
        #expect(lines[0]["namespace"] as? String == "default")
        #expect(lines[1]["user"] as? String == "")
        #expect(lines[2]["name"] as? String == "kube-dns")
        #expect((lines[2]["time"] as? String)?.hasSuffix("Z") == true)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func theAuditFileRotatesWhenAFlushWouldPassItsSize() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skiff-audit-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("audit.log").path
        func lines(_ range: Range<Int>) -> [UInt8] {
            range.flatMap { index in
                AuditEvent(time: Date(), user: "u\(index)", groups: ["g"], verb: "get", resource: "services", namespace: "default",
                           name: "s\(index)", decision: "allow", code: 200).jsonLine()
            }
        }
        var file = try AuditFile(path: path)
        file.write(lines(0..<15), maxBytes: 2_000)  // an empty file takes a batch larger than the limit
        file.write(lines(15..<30), maxBytes: 2_000)  // this one would pass it: rotate first
        file.close()

        let current = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let rotated = try String(contentsOfFile: path + ".1", encoding: .utf8).split(separator: "\n")
        #expect(rotated.count == 15 && current.count == 15)
        #expect(rotated.first?.contains(#""user":"u0""#) == true)
        #expect(current.first?.contains(#""user":"u15""#) == true)

        var again = try AuditFile(path: path)  // reopened: appends, and rotates over the old backup
        #expect(again.size == current.map { $0.utf8.count + 1 }.reduce(0, +))
        again.write(lines(30..<45), maxBytes: 2_000)
        again.close()
        #expect(try String(contentsOfFile: path + ".1", encoding: .utf8).split(separator: "\n").first?.contains(#""user":"u15""#) == true)
    }

    @Test func theAuditLogFlushesOnItsOwnWithinTheInterval() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skiff-audit-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("audit.log").path
        let audit = try AuditLog(path: path, maxSizeMB: 1, flushInterval: .milliseconds(50))
        defer { audit.close() }
        audit.record(AuditEvent(time: Date(), user: "u", groups: [], verb: "list", resource: "pods", namespace: "", name: "",
                                decision: "allow", code: 200))
        try await waitFor("the line reaches the file without close") {
            ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").hasSuffix("\"code\":200}\n")
        }
    }

    func waitFor(_ what: String, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
