import Foundation
import SkiffAPI
import SkiffMessaging
import Testing

/// Nothing acknowledged is lost: SIGKILL the apiserver in the middle of a burst of creates, restart it, and
/// check every acknowledged Service is there with its ClusterIP, and no ClusterIP is handed out twice.
@Suite(.serialized) struct CrashRecoveryTests {
    @Test func acknowledgedWritesSurviveSIGKILL() async throws {
        let cluster = try ClusterHarness()
        try await cluster.startAPIServer()
        let client = try APIClient(config: APIClientConfig(server: cluster.server, token: nil, timeout: .seconds(5)))
        let acknowledged = Acknowledged()

        // 16 writers create Services as fast as they can; the apiserver is killed once 300 are acknowledged.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<16 {
                group.addTask {
                    for index in 0..<1_000 {
                        let name = "svc-\(writer)-\(index)"
                        let object = Service(metadata: ObjectMeta(name: name, namespace: "default"),
                                             spec: ServiceSpec(selector: ["app": name], ports: [ServicePort(port: 80)]))
                        do {
                            let created = try await client.create(object)
                            acknowledged.add(name, created.spec?.clusterIP ?? "")
                        } catch {
                            return  // the apiserver is gone: outcomes from here on are unknown, not acknowledged
                        }
                    }
                }
            }
            try await waitUntil("300 creates are acknowledged", timeout: .seconds(60)) { acknowledged.count >= 300 }
            try await cluster.stopAPIServer(signal: SIGKILL)
            try await group.waitForAll()
        }

        try await cluster.startAPIServer()
        let (services, _) = try await client.list(Service.self, namespace: "default")
        let stored = Dictionary(services.map { ($0.name, $0.spec?.clusterIP ?? "") }, uniquingKeysWith: { first, _ in first })
        for (name, ip) in acknowledged.all {
            #expect(stored[name] == ip, "acknowledged \(name) (\(ip)) is missing or changed after the crash")
        }
        let ips = services.compactMap { $0.spec?.clusterIP }
        #expect(Set(ips).count == ips.count, "a ClusterIP is held by two Services")

        // The allocator was rebuilt from the store: new Services get fresh addresses.
        for index in 0..<50 {
            let created = try await client.create(Service(metadata: ObjectMeta(name: "after-\(index)", namespace: "default"),
                                                          spec: ServiceSpec(ports: [ServicePort(port: 80)])))
            #expect(!ips.contains(created.spec?.clusterIP ?? ""), "ClusterIP \(created.spec?.clusterIP ?? "") handed out twice")
        }
        client.close()
        #expect(try await cluster.stopAPIServer() == 0)
    }
}

final class Acknowledged: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: String] = [:]

    func add(_ name: String, _ ip: String) { lock.withLock { values[name] = ip } }
    var count: Int { lock.withLock { values.count } }
    var all: [String: String] { lock.withLock { values } }
}
