import Foundation
import Logging
import SkiffAPI
import SkiffMessaging
import Synchronization
import Testing

/// The endpoints controller end to end: the real apiserver, the real `endpoints-controller` and skiffctl. Pods are
/// made ready and not ready through the status subresource, deleted, the apiserver is restarted under the
/// controller, and the Service is deleted; Endpoints and slices are checked after each step.
@Suite(.serialized) struct EndpointsControllerTests {
    static let manifest = """
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          selector: {app: web}
          ports:
          - {name: http, port: 80, targetPort: http}
        """ + (1...3).map { """

        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web-\($0), labels: {app: web}}
        spec:
          containers:
          - name: server
            image: agnhost
            ports:
            - {name: http, containerPort: 8080}
        """ }.joined()

    /// A status-only manifest for one Pod.
    static func status(_ pod: Int, ready: Bool) -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: web-\(pod)}
        status:
          phase: Running
          podIP: 10.244.0.\(pod)
          conditions:
          - {type: Ready, status: "\(ready ? "True" : "False")"}

        """
    }

    @Test func endpointsFollowPodsAndTheService() async throws {
        let cluster = try ClusterHarness()
        try await cluster.startAPIServer()
        let controller = try cluster.startEndpointsController(extraArguments: ["--log-level", "trace"])
        let client = try APIClient(config: APIClientConfig(server: cluster.server, timeout: .seconds(2)))
        defer { client.close() }
        let view = EndpointsView(client: client)

        try await apply(cluster, ["-f", try cluster.write("web.yaml", Self.manifest)])
        let allReady = (1...3).map { Self.status($0, ready: true) }.joined(separator: "---\n")
        try await apply(cluster, ["--subresource", "status", "-f", try cluster.write("ready.yaml", allReady)])
        try await view.wait("3 ready endpoints", ready: ["10.244.0.1", "10.244.0.2", "10.244.0.3"], notReady: [], controller)
        let slice = try #require(try await view.slices().first)
        #expect(slice.ports == [EndpointSlicePort(name: "http", protocol: "TCP", port: 8080)])
        #expect(slice.labels[EndpointSlice.managedByLabel] == "endpointslice-controller.skiff.dev")
        let endpoints = try await client.get(Endpoints.self, namespace: "default", name: "web")
        #expect(endpoints.subsets?.first?.ports == [EndpointPort(name: "http", port: 8080, protocol: "TCP")])

        // A Pod change that does not concern the Service writes nothing: the next real change is one write each
        // of the Endpoints and the slice, as a watch of them shows.
        let connection = try cluster.connection(timeout: .seconds(2))
        defer { connection.close() }
        let writes = try WriteCounter(cluster, connection)
        defer { writes.stop() }
        try await writes.waitUntilCurrent(view)
        let before = writes.updates
        try await apply(cluster, ["-f", try cluster.write("label.yaml", Self.manifest.replacingOccurrences(
            of: "name: web-1, labels: {app: web}", with: "name: web-1, labels: {app: web, tier: front}"))])
        try await apply(cluster, ["--subresource", "status", "-f", try cluster.write("two.yaml", Self.status(2, ready: false))])
        try await view.wait("web-2 not ready", ready: ["10.244.0.1", "10.244.0.3"], notReady: ["10.244.0.2"], controller)
        try await writes.waitUntilCurrent(view)
        #expect(writes.updates.endpoints == before.endpoints + 1)
        #expect(writes.updates.slices == before.slices + 1)

        try expect(await cluster.skiffctl(["delete", "pod", "web-3"]).status == 0)
        try await view.wait("web-3 gone", ready: ["10.244.0.1"], notReady: ["10.244.0.2"], controller)

        #expect(try await cluster.stopAPIServer(signal: SIGTERM) == 0)
        try await cluster.startAPIServer()
        try await apply(cluster, ["--subresource", "status", "-f", try cluster.write("two-ready.yaml", Self.status(2, ready: true))])
        try await view.wait("caught up after the restart", ready: ["10.244.0.1", "10.244.0.2"], notReady: [], controller)

        // Endpoints removed behind the controller's back are written again.
        let removed = try await client.delete(Endpoints.self, namespace: "default", name: "web")
        try await waitUntil("the Endpoints are written again", timeout: .seconds(10)) {
            try await view.endpointsIfPresent().map { $0.metadata.uid != removed.metadata.uid } ?? false
        }
        try await view.wait("the same endpoints again", ready: ["10.244.0.1", "10.244.0.2"], notReady: [], controller)

        try expect(await cluster.skiffctl(["delete", "service", "web"]).status == 0)
        try await waitUntil("Endpoints and slices deleted with the Service", timeout: .seconds(10)) {
            let endpoints = try await view.endpointsIfPresent()
            let slices = try await view.slices()
            return endpoints == nil && slices.isEmpty
        }
        #expect(controller.isRunning)
        #expect(try await controller.stop() == 0, "\(controller.log)")
        try await cluster.stopAPIServer()
    }

    /// With a batch period, the status writes of three Pods (one skiffctl run, well within the period) become one
    /// write of the Endpoints and one of the slice.
    @Test func aBurstOfPodChangesIsOneWrite() async throws {
        let cluster = try ClusterHarness()
        try await cluster.startAPIServer()
        let controller = try cluster.startEndpointsController(extraArguments: ["--batch-period", "2s", "--log-level", "trace"])
        let client = try APIClient(config: APIClientConfig(server: cluster.server, timeout: .seconds(2)))
        defer { client.close() }
        let view = EndpointsView(client: client)
        let connection = try cluster.connection(timeout: .seconds(2))
        defer { connection.close() }
        let writes = try WriteCounter(cluster, connection)
        defer { writes.stop() }

        try await apply(cluster, ["-f", try cluster.write("web.yaml", Self.manifest)])
        try await view.wait("empty endpoints", ready: [], notReady: [], controller)
        try await writes.waitUntilCurrent(view)
        let before = writes.updates

        let allReady = (1...3).map { Self.status($0, ready: true) }.joined(separator: "---\n")
        try await apply(cluster, ["--subresource", "status", "-f", try cluster.write("ready.yaml", allReady)])
        try await view.wait("3 ready endpoints", ready: ["10.244.0.1", "10.244.0.2", "10.244.0.3"], notReady: [], controller)
        try await writes.waitUntilCurrent(view)
        #expect(writes.updates.endpoints == before.endpoints + 1)
        #expect(writes.updates.slices == before.slices + 1)
        #expect(try await controller.stop() == 0, "\(controller.log)")
        try await cluster.stopAPIServer()
    }

    /// A Service deleted while the controller is down leaves its Endpoints behind, and no event concerns them:
    /// the controller removes them at start (Kubernetes' checkLeftoverEndpoints).
    @Test func leftoversOfServicesDeletedWhileDownAreRemovedAtStart() async throws {
        let cluster = try ClusterHarness()
        try await cluster.startAPIServer()
        let first = try cluster.startEndpointsController(extraArguments: ["--log-level", "debug"])
        let client = try APIClient(config: APIClientConfig(server: cluster.server, timeout: .seconds(2)))
        defer { client.close() }
        let view = EndpointsView(client: client)
        try await apply(cluster, ["-f", try cluster.write("web.yaml", Self.manifest)])
        try await view.wait("empty endpoints", ready: [], notReady: [], first)
        #expect(try await first.stop() == 0, "\(first.log)")

        try expect(await cluster.skiffctl(["delete", "service", "web"]).status == 0)
        #expect(try await view.endpointsIfPresent() != nil, "the apiserver itself removed the Endpoints: nothing left over to test")
        // Without its slice, the Endpoints object is the only trace (a slice alone would enqueue the key through
        // its own add event).
        let slices = try await view.slices()
        #expect(slices.count == 1)
        for slice in slices { _ = try await client.delete(EndpointSlice.self, namespace: "default", name: slice.name) }

        let second = try cluster.startEndpointsController(extraArguments: ["--log-level", "debug"])
        try await waitUntil("leftover Endpoints removed", timeout: .seconds(10)) {
            guard second.isRunning else { throw HarnessError("endpoints-controller exited:\n\(second.log)") }
            let endpoints = try await view.endpointsIfPresent()
            let slices = try await view.slices()
            return endpoints == nil && slices.isEmpty
        }
        #expect(try await second.stop() == 0, "\(second.log)")
        try await cluster.stopAPIServer()
    }

    private func apply(_ cluster: ClusterHarness, _ arguments: [String]) async throws {
        let output = await cluster.skiffctl(["apply"] + arguments)
        try expect(output.status == 0, "skiffctl apply \(arguments): \(output.stdout)\(output.stderr)")
    }

    private func expect(_ condition: Bool, _ message: String = "") throws {
        if !condition { throw HarnessError(message) }
    }
}

/// What the test reads of the Service `default/web`: its Endpoints and its slices, through the request socket.
struct EndpointsView {
    let client: APIClient

    func endpointsIfPresent() async throws -> Endpoints? {
        do {
            return try await client.get(Endpoints.self, namespace: "default", name: "web")
        } catch where error.isNotFound {
            return nil
        }
    }

    func slices() async throws -> [EndpointSlice] {
        try await client.list(EndpointSlice.self, namespace: "default", labelSelector: "\(EndpointSlice.serviceNameLabel)=web").items
    }

    /// The resourceVersions of the Endpoints and of the slices, by name.
    func versions() async throws -> [String: String] {
        var versions: [String: String] = [:]
        if let endpoints = try await endpointsIfPresent() { versions["endpoints/web"] = endpoints.metadata.resourceVersion ?? "" }
        for slice in try await slices() { versions["endpointslices/\(slice.name)"] = slice.metadata.resourceVersion ?? "" }
        return versions
    }

    /// Waits until the Endpoints list exactly `ready` and `notReady` (port 8080) and the slices hold exactly those
    /// endpoints with the same readiness, in one slice.
    func wait(_ what: String, ready: Set<String>, notReady: Set<String>, _ controller: ControllerProcess) async throws {
        do {
            try await waitUntil(what, timeout: .seconds(10)) {
                guard controller.isRunning else { throw HarnessError("endpoints-controller exited:\n\(controller.log)") }
                guard let endpoints = try? await endpointsIfPresent(), let slices = try? await slices() else { return false }
                let subsets = endpoints.subsets ?? []
                let addresses = Set(subsets.flatMap { ($0.addresses ?? []).map(\.ip) })
                let notReadyAddresses = Set(subsets.flatMap { ($0.notReadyAddresses ?? []).map(\.ip) })
                let sliced = slices.flatMap(\.endpoints)
                let slicedReady = Set(sliced.filter { $0.conditions?.ready == true }.flatMap(\.addresses))
                let slicedNotReady = Set(sliced.filter { $0.conditions?.ready == false }.flatMap(\.addresses))
                return addresses == ready && notReadyAddresses == notReady
                    && slices.count == 1 && sliced.count == ready.count + notReady.count
                    && slicedReady == ready && slicedNotReady == notReady
                    && subsets.allSatisfy { $0.ports?.map(\.port) == [8080] }
            }
        } catch let error as HarnessError {
            let state = "endpoints: \(String(describing: try? await endpointsIfPresent()))\nslices: \(String(describing: try? await slices()))"
            throw HarnessError("\(error.description)\n\(state)\ncontroller log:\n\(controller.log.suffix(4000))")
        }
    }
}

/// Counts the updates of `default/web`'s Endpoints and slices that a watch of them delivers to its handlers.
final class WriteCounter: Sendable {
    private struct Seen {
        var endpoints = 0, slices = 0
        /// What the handlers were told last, by kind/name: the versions a `versions()` read is compared with.
        var versions: [String: String] = [:]
    }

    private final class Box: Sendable {
        let mutex = Mutex(Seen())
    }

    private let box = Box()
    private let tasks: [Task<Void, any Error>]

    init(_ cluster: ClusterHarness, _ connection: Connection) throws {
        let endpoints = try cluster.informer(Endpoints.self, on: connection, namespace: "default")
        let slices = try cluster.informer(EndpointSlice.self, on: connection, namespace: "default")
        let box = box
        @Sendable func record(_ key: String, _ version: String?, update: WritableKeyPath<Seen, Int>?) {
            box.mutex.withLock { seen in
                seen.versions[key] = version
                if let update { seen[keyPath: update] += 1 }
            }
        }
        endpoints.addHandlers(
            onAdd: { if $0.name == "web" { record("endpoints/web", $0.metadata.resourceVersion, update: nil) } },
            onUpdate: { _, new in if new.name == "web" { record("endpoints/web", new.metadata.resourceVersion, update: \.endpoints) } },
            onDelete: { if $0.name == "web" { record("endpoints/web", nil, update: nil) } })
        @Sendable func isWeb(_ slice: EndpointSlice) -> Bool { slice.labels[EndpointSlice.serviceNameLabel] == "web" }
        slices.addHandlers(
            onAdd: { if isWeb($0) { record("endpointslices/\($0.name)", $0.metadata.resourceVersion, update: nil) } },
            onUpdate: { _, new in if isWeb(new) { record("endpointslices/\(new.name)", new.metadata.resourceVersion, update: \.slices) } },
            onDelete: { if isWeb($0) { record("endpointslices/\($0.name)", nil, update: nil) } })
        tasks = [Task { try await endpoints.run() }, Task { try await slices.run() }]
    }

    var updates: (endpoints: Int, slices: Int) { box.mutex.withLock { ($0.endpoints, $0.slices) } }

    /// Waits until the handlers were told the versions the apiserver holds now.
    func waitUntilCurrent(_ view: EndpointsView) async throws {
        let stored = try await view.versions()
        try await waitUntil("the watch delivered the stored endpoints", timeout: .seconds(10)) {
            box.mutex.withLock { $0.versions } == stored
        }
    }

    func stop() { for task in tasks { task.cancel() } }
}
