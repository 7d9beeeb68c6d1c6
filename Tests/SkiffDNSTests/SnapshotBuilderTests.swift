import SkiffAPI
@testable import SkiffDNS
import Testing

/// The incremental builder against the whole-zone build: after any sequence of changes, the snapshot it holds
/// equals `DNSSnapshot(services:endpointSlices:podIPs:namespaces:)` over the objects as they are then.
@Suite struct SnapshotBuilderTests {
    @Test(arguments: 1...24)
    func randomChangesMatchAFullRebuild(seed: UInt64) {
        var world = RandomWorld(seed: seed)
        var builder = DNSSnapshotBuilder()
        for step in 0..<250 {
            let change = world.step()
            for key in change.services {
                builder.update(service: key, to: world.services[key], slices: world.slices(of: key))
            }
            for pod in change.pods {
                builder.update(pod: pod, namespace: world.podNamespace(pod), ips: world.pods[pod] ?? [])
            }
            for namespace in change.namespaces {
                builder.update(namespace: namespace, exists: world.namespaces.contains(namespace))
            }
            let full = world.fullSnapshot()
            #expect(builder.snapshot == full, "seed \(seed), step \(step): \(change.description)")
            #expect(builder.snapshot.serial == full.serial)
            guard builder.snapshot == full else { return }
        }
        // The answers agree too, not only the tables (PTR winners, namespaces, pods).
        let full = world.fullSnapshot()
        for qname in world.probeNames() {
            for type in [DNSType.a, .srv, .ptr] {
                let question = DNSQuestion(name: try! DNSName(qname), type: type)
                let config = try! DNSConfig(podMode: .verified)
                #expect(RecordBuilder.answer(question, snapshot: builder.snapshot, config: config)
                    == RecordBuilder.answer(question, snapshot: full, config: config), "\(qname) \(type)")
            }
        }
    }

    @Test func anUnchangedServiceChangesNothing() {
        var builder = DNSSnapshotBuilder()
        let key = DNSSnapshot.ServiceKey(namespace: "default", name: "web")
        let web = Fixture.service("web", clusterIP: "10.96.0.10")
        let added = builder.update(service: key, to: web, slices: [])
        let serial = builder.snapshot.serial
        let again = builder.update(service: key, to: web, slices: [])
        let absent = builder.update(service: DNSSnapshot.ServiceKey(namespace: "default", name: "gone"), to: nil, slices: [])
        #expect(added && !again && !absent)
        #expect(builder.snapshot.serial == serial)
    }

    @Test func deletingEverythingGivesTheEmptyZone() {
        var builder = DNSSnapshotBuilder()
        let empty = builder.snapshot
        for service in Fixture.services {
            let key = DNSSnapshot.ServiceKey(namespace: service.namespace, name: service.name)
            builder.update(service: key, to: service, slices: Fixture.slices.filter { $0.labels[EndpointSlice.serviceNameLabel] == service.name })
        }
        builder.update(namespace: "kube-system", exists: true)
        builder.update(pod: "default/a", namespace: "default", ips: ["10.244.1.5"])
        #expect(builder.snapshot != empty)
        for service in Fixture.services {
            builder.update(service: DNSSnapshot.ServiceKey(namespace: service.namespace, name: service.name), to: nil, slices: [])
        }
        builder.update(namespace: "kube-system", exists: false)
        builder.update(pod: "default/a", namespace: "default", ips: [])
        #expect(builder.snapshot == empty)
        #expect(builder.snapshot.serial == empty.serial)
        #expect(builder.snapshot.endpointCount == 0)
    }

    @Test func aSnapshotTakenEarlierDoesNotChange() throws {
        var builder = DNSSnapshotBuilder()
        let key = DNSSnapshot.ServiceKey(namespace: "default", name: "web")
        builder.update(service: key, to: Fixture.service("web", clusterIP: "10.96.0.10"), slices: [])
        let before = builder.snapshot
        builder.update(service: key, to: Fixture.service("web", clusterIP: "10.96.0.20"), slices: [])
        let reply = try Fixture.ask("web.default.svc.cluster.local", .a, snapshot: before)
        #expect(reply.answers.map(\.description) == ["web.default.svc.cluster.local. 5 IN A 10.96.0.10"])
    }
}
