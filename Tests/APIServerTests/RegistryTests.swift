@testable import APIServer
import Foundation
import SkiffAPI
import SkiffMessaging
import Testing

@Suite struct RegistryTests {
    @Test func createAllocatesAClusterIPAndServerFields() async throws {
        let api = try await TestAPI()
        defer { Task { await api.close() } }
        let response = await api.call(.create, "services", namespace: "default", object: service("ent"))
        #expect(response.code == 201, "\(response.text)")
        let created = try response.decode(Service.self)
        #expect(created.spec?.clusterIP == "127.96.1.1")
        #expect(created.spec?.clusterIPs == ["127.96.1.1"])
        #expect(created.spec?.ports?.first?.protocol == "TCP")
        #expect(created.metadata.uid?.isEmpty == false)
        #expect(created.metadata.generation == 1)
        #expect(created.metadata.creationTimestamp != nil)
        #expect(Int(created.metadata.resourceVersion ?? "") ?? 0 > 0)

        let again = await api.call(.create, "services", namespace: "default", object: service("ent"))
        #expect(again.code == 409)
        #expect(again.status?.reason == "AlreadyExists")
    }

    /// uids are random version-4 UUIDs in lowercase, as Kubernetes writes them, and do not repeat.
    @Test func uidsAreLowercaseVersion4UUIDs() {
        let uids = (0..<2_000).map { _ in Registry.newUID() }
        #expect(Set(uids).count == uids.count)
        for uid in uids.prefix(200) {
            let parsed = UUID(uuidString: uid)
            #expect(parsed?.uuidString.lowercased() == uid, "\(uid)")
            let bytes = Array(uid.utf8)
            #expect(bytes.count == 36 && bytes[14] == UInt8(ascii: "4") && "89ab".utf8.contains(bytes[19]), "\(uid)")
        }
    }

    @Test func kubeDNSHoldsTheTenthAddress() async throws {
        let api = try await TestAPI()
        defer { Task { await api.close() } }
        let response = await api.call(.get, "services", namespace: "kube-system", name: "kube-dns")
        #expect(try response.decode(Service.self).spec?.clusterIP == "127.96.0.10")
        let taken = await api.call(.create, "services", namespace: "default", object: service("other", clusterIP: "127.96.0.10"))
        #expect(taken.code == 422)
        #expect(taken.status?.details?.causes?.first?.field == "spec.clusterIPs")
    }

    @Test func requestedIPOutsideTheRangeIsInvalid() async throws {
        let api = try await TestAPI()
        defer { Task { await api.close() } }
        let response = await api.call(.create, "services", namespace: "default", object: service("x", clusterIP: "10.0.0.5"))
        #expect(response.code == 422)
        #expect(response.status?.message?.contains("not in the valid range") == true, "\(response.text)")
    }

    @Test func missingNamespaceIsNotFound() async throws {
        let api = try await TestAPI()
        defer { Task { await api.close() } }
        let response = await api.call(.create, "services", namespace: "nope", object: service("ent", namespace: "nope"))
        #expect(response.code == 404)
        #expect(response.status?.message == "namespaces \"nope\" not found")
    }

    @Test func validationErrorsNameTheField() async throws {
        let api = try await TestAPI()
        defer { Task { await api.close() } }
        let bad = service("ent", ports: [ServicePort(name: "http", port: 70000, targetPort: .int(8080))])
        let response = await api.call(.create, "services", namespace: "default", object: bad)
        #expect(response.code == 422)
        #expect(response.status?.details?.causes?.map(\.field) == ["spec.ports[0].port"])
        let list = await api.call(.list, "services", namespace: "default")
        #expect(try list.decode(ServiceListShape.self).items.isEmpty)
    }

    @Test func updateKeepsClusterIPAndRefusesChangingIt() async throws {
        let api = try await TestAPI()
        defer { Task { await api.close() } }
        let created = try await api.call(.create, "services", namespace: "default", object: service("ent")).decode(Service.self)
        var changed = service("ent")
        changed.spec?.ports = [ServicePort(name: "http", port: 8080)]
        let updated = try await api.call(.update, "services", namespace: "default", name: "ent", object: changed).decode(Service.self)
        #expect(updated.spec?.clusterIP == created.spec?.clusterIP)
        #expect(updated.metadata.generation == 2)
        #expect(updated.metadata.uid == created.metadata.uid)

        var moved = updated
        moved.spec?.clusterIP = "127.96.5.5"
        moved.spec?.clusterIPs = ["127.96.5.5"]
        let refused = await api.call(.update, "services", namespace: "default", name: "ent", object: moved)
        #expect(refused.code == 422, "\(refused.text)")
        #expect(refused.status?.message?.contains("immutable") == true, "\(refused.text)")
    }

    @Test func stalePreconditionConflicts() async throws {
        let api = try await TestAPI()
        defer { Task { await api.close() } }
        var created = try await api.call(.create, "services", namespace: "default", object: service("ent")).decode(Service.self)
        let stale = created.metadata.resourceVersion
        created.metadata.labels = ["v": "2"]
        #expect(await api.call(.update, "services", namespace: "default", name: "ent", object: created).code == 200)
        created.metadata.resourceVersion = stale
        created.metadata.labels = ["v": "3"]
        let conflict = await api.call(.update, "services", namespace: "default", name: "ent", object: created)
        #expect(conflict.code == 409)
        #expect(conflict.status?.reason == "Conflict")
    }

    @Test func deleteFreesTheClusterIP() async throws {
        let api = try await TestAPI()
        defer { Task { await api.close() } }
        let created = try await api.call(.create, "services", namespace: "default", object: service("ent")).decode(Service.self)
        let ip = try #require(created.spec?.clusterIP)
        #expect(api.allocation.clusterIPs.isAllocated(ip))
        #expect(await api.call(.delete, "services", namespace: "default", name: "ent").code == 200)
        #expect(!api.allocation.clusterIPs.isAllocated(ip))
        #expect(await api.call(.get, "services", namespace: "default", name: "ent").code == 404)
    }

    @Test func updateStatusChangesOnlyStatus() async throws {
        let api = try await TestAPI()
        defer { Task { await api.close() } }
        let pod = Pod(metadata: ObjectMeta(name: "p", namespace: "default", labels: ["app": "x"]),
                      spec: PodSpec(containers: [Container(name: "c", ports: [ContainerPort(name: "http", containerPort: 8080)])]),
                      status: PodStatus(phase: "Running", podIP: "127.244.1.5"))
        let created = try await api.call(.create, "pods", namespace: "default", object: pod).decode(Pod.self)
        #expect(created.status?.phase == "Pending", "create ignores status")
        var withStatus = pod
        withStatus.metadata.labels = ["app": "changed"]
        withStatus.status = PodStatus(phase: "Running", conditions: [PodCondition(type: "Ready", status: "True")], podIP: "127.244.1.5")
        let updated = try await api.call(.updateStatus, "pods", namespace: "default", name: "p", object: withStatus).decode(Pod.self)
        #expect(updated.status?.podIP == "127.244.1.5")
        #expect(updated.isReady)
        #expect(updated.metadata.labels == ["app": "x"], "update-status must not change labels")
        #expect(updated.metadata.generation == 1)
    }

    @Test func applyIsAtomicAndIdempotent() async throws {
        let api = try await TestAPI()
        defer { Task { await api.close() } }
        let good = List(items: [.namespace(Namespace(name: "shop")), .service(service("cart", namespace: "shop"))])
        let first = await api.call(.apply, "", namespace: "default", object: good)
        #expect(first.code == 200, "\(first.text)")
        #expect(try first.decode(ApplyResultShape.self).items.map(\.action) == ["created", "created"])
        let second = try await api.call(.apply, "", namespace: "default", object: good).decode(ApplyResultShape.self)
        #expect(second.items.map(\.action) == ["unchanged", "unchanged"])

        let used = api.allocation.clusterIPs.used
        let bad = List(items: [.service(service("web", namespace: "shop")), .service(service("db", namespace: "shop", ports: [ServicePort(port: 0)]))])
        let failed = await api.call(.apply, "", namespace: "default", object: bad)
        #expect(failed.code == 422)
        #expect(failed.status?.details?.causes?.first?.field == "items[1].spec.ports[0].port", "\(failed.text)")
        #expect(await api.call(.get, "services", namespace: "shop", name: "web").code == 404, "nothing from a failed apply is stored")
        #expect(api.allocation.clusterIPs.used == used, "the first item's ClusterIP was given back")
    }

    @Test func deletingANamespaceDeletesItsContents() async throws {
        let api = try await TestAPI()
        defer { Task { await api.close() } }
        _ = await api.call(.create, "namespaces", object: Namespace(name: "shop"))
        _ = await api.call(.create, "services", namespace: "shop", object: service("cart", namespace: "shop"))
        let deleted = await api.call(.delete, "namespaces", name: "shop")
        #expect(try deleted.decode(Namespace.self).status?.phase == "Terminating")
        let refused = await api.call(.create, "services", namespace: "shop", object: service("late", namespace: "shop"))
        #expect(refused.code == 403 || refused.code == 404)
        let deadline = ContinuousClock.now + .seconds(10)
        while await api.call(.get, "namespaces", name: "shop").code != 404 {
            #expect(ContinuousClock.now < deadline, "namespace was not finalized")
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(await api.call(.get, "services", namespace: "shop", name: "cart").code == 404)
        #expect(await api.call(.delete, "namespaces", name: "default").code == 403)
    }

    @Test func listFiltersByLabelSelector() async throws {
        let api = try await TestAPI()
        defer { Task { await api.close() } }
        for (name, tier) in [("a", "web"), ("b", "db"), ("c", "web")] {
            var svc = service(name)
            svc.metadata.labels = ["tier": tier]
            _ = await api.call(.create, "services", namespace: "default", object: svc)
        }
        let list = try await api.call(.list, "services", namespace: "default", params: ["labelSelector": "tier=web"]).decode(ServiceListShape.self)
        #expect(list.items.map(\.name) == ["a", "c"])
        let all = try await api.call(.list, "services").decode(ServiceListShape.self)
        #expect(all.items.count == 4, "all namespaces, including kube-dns")
    }
}

struct ServiceListShape: Decodable {
    var kind: String
    var items: [Service]
}

struct ApplyResultShape: Decodable {
    struct Item: Decodable { var action: String }
    var items: [Item]
}

/// A v1 List of mixed kinds, as skiffctl sends for apply.
struct List: Encodable {
    enum Item: Encodable {
        case namespace(Namespace)
        case service(Service)

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .namespace(let object): try object.encode(to: encoder)
            case .service(let object): try object.encode(to: encoder)
            }
        }
    }

    var apiVersion = "v1"
    var kind = "List"
    var items: [Item]
}
