@testable import APIServer
import Foundation
import SkiffAPI
import SkiffMessaging
import Testing

/// ClusterIP, NodePort, headless and ExternalName Services through the whole admission chain.
@Suite struct ServiceTypeTests {
    @Test func nodePortsAreAllocatedKeptAndFreed() async throws {
        let api = try await TestAPI()
        defer { Task { await api.close() } }
        let nodePort = service("web", type: "NodePort", ports: [
            ServicePort(name: "http", port: 80, targetPort: .int(8080)),
            ServicePort(name: "https", port: 443, targetPort: .int(8443), nodePort: 30443),
        ])
        let created = try await api.call(.create, "services", namespace: "default", object: nodePort).decode(Service.self)
        let ports = try #require(created.spec?.ports)
        #expect(ports[1].nodePort == 30443)
        let automatic = try #require(ports[0].nodePort)
        #expect((30000...32767).contains(automatic))
        #expect(api.allocation.nodePorts.isAllocated(automatic))

        // Re-applying the manifest without nodePorts keeps the allocated ones.
        let reapplied = try await api.call(.update, "services", namespace: "default", name: "web", object: nodePort).decode(Service.self)
        #expect(reapplied.spec?.ports?.map(\.nodePort) == [automatic, 30443])

        let taken = service("other", type: "NodePort", ports: [ServicePort(name: "http", port: 80, nodePort: 30443)])
        let refused = await api.call(.create, "services", namespace: "default", object: taken)
        #expect(refused.code == 422)
        #expect(refused.status?.details?.causes?.first?.field == "spec.ports[0].nodePort", "\(refused.text)")

        // Back to ClusterIP, changing only the type (as Kubernetes allows): the NodePorts and the
        // external traffic policy are dropped, and the ports are given back once the update commits.
        var clusterIP = reapplied
        clusterIP.spec?.type = "ClusterIP"
        let updated = await api.call(.update, "services", namespace: "default", name: "web", object: clusterIP)
        #expect(updated.code == 200, "\(updated.text)")
        #expect(try updated.decode(Service.self).spec?.ports?.compactMap(\.nodePort) == [])
        #expect(!api.allocation.nodePorts.isAllocated(automatic))
        #expect(!api.allocation.nodePorts.isAllocated(30443))
    }

    @Test func headlessServicesGetNoAddress() async throws {
        let api = try await TestAPI()
        defer { Task { await api.close() } }
        let used = api.allocation.clusterIPs.used
        let created = try await api.call(.create, "services", namespace: "default", object: service("db", clusterIP: "None")).decode(Service.self)
        #expect(created.spec?.clusterIP == "None")
        #expect(created.spec?.clusterIPs == ["None"])
        #expect(api.allocation.clusterIPs.used == used)
    }

    @Test func externalNameServicesGetNoAddress() async throws {
        let api = try await TestAPI()
        defer { Task { await api.close() } }
        var external = Service(metadata: ObjectMeta(name: "search", namespace: "default"),
                               spec: ServiceSpec(type: "ExternalName", ports: nil))
        external.spec?.externalName = "search.example.com"
        let response = await api.call(.create, "services", namespace: "default", object: external)
        #expect(response.code == 201, "\(response.text)")
        let created = try response.decode(Service.self)
        #expect(created.spec?.clusterIP == nil)
        #expect(created.spec?.externalName == "search.example.com")

        external.spec?.externalName = nil
        external.metadata.name = "broken"
        let refused = await api.call(.create, "services", namespace: "default", object: external)
        #expect(refused.code == 422)
        #expect(refused.status?.details?.causes?.contains { $0.field == "spec.externalName" } == true, "\(refused.text)")
    }

    @Test func dryRunWritesNothingAndKeepsNoAddress() async throws {
        let api = try await TestAPI()
        defer { Task { await api.close() } }
        let used = api.allocation.clusterIPs.used
        let response = await api.call(.create, "services", namespace: "default", params: ["dryRun": "All"], object: service("ghost"))
        #expect(response.code == 201)
        #expect(try response.decode(Service.self).spec?.clusterIP?.isEmpty == false)
        #expect(api.allocation.clusterIPs.used == used)
        #expect(await api.call(.get, "services", namespace: "default", name: "ghost").code == 404)
    }

    @Test func malformedRequestsAreBadRequests() async throws {
        let api = try await TestAPI()
        defer { Task { await api.close() } }
        #expect(await api.call(.create, "services", namespace: "default", body: "{not json").code == 400)
        #expect(await api.call(.create, "services", namespace: "default", body: #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"}}"#).code == 400)
        #expect(await api.call(.get, "deployments", namespace: "default", name: "x").code == 404)
        #expect(await api.call(.get, "services", namespace: "default").code == 400, "get needs a name")
    }
}
