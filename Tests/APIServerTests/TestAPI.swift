@testable import APIServer
import Foundation
import Logging
import SkiffAPI
import SkiffMessaging
import SkiffStore

/// An in-process apiserver core over a real SQLite store in a temp dir: the request handler without the socket.
final class TestAPI: @unchecked Sendable {
    let directory: URL
    let store: SQLiteStore
    let allocation: ServiceAllocation
    let registry: Registry
    let finalizer: NamespaceFinalizer
    let handler: RequestHandler
    private var finalizerTask: Task<Void, Never>?

    init(serviceCIDR: String = "127.96.0.0/16") async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("skiff-api-\(UUID().uuidString.prefix(8))")
        store = try SQLiteStore(directory: directory, options: .init(synchronous: false))
        allocation = ServiceAllocation(clusterIPs: ClusterIPAllocator(range: try IPv4Range(cidr: serviceCIDR)), nodePorts: PortAllocator())
        registry = Registry(store: store, admission: AdmissionChain(plugins: [NamespaceLifecycle(store: store), Defaulting(), Validating(), allocation]))
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        finalizer = NamespaceFinalizer(registry: registry, logger: logger)
        handler = RequestHandler(registry: registry, namespaces: finalizer, watchEndpoint: "inproc://watch", logger: logger)
        try await Bootstrap.ensureSystemObjects(registry: registry, allocation: allocation, logger: logger)
        let finalizer = self.finalizer
        finalizerTask = Task { await finalizer.run() }
    }

    func close() async {
        await finalizer.shutdown()
        await finalizerTask?.value
        await store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    func call(_ verb: Verb, _ resource: String, namespace: String = "", name: String = "", params: [String: String] = [:], body: String = "") async -> Response {
        await handler.handle(Request(verb: verb, resource: resource, namespace: namespace, name: name, token: nil, params: params, body: Data(body.utf8)))
    }

    func call<T: Encodable>(_ verb: Verb, _ resource: String, namespace: String = "", name: String = "", params: [String: String] = [:], object: T) async -> Response {
        await handler.handle(Request(verb: verb, resource: resource, namespace: namespace, name: name, token: nil, params: params, body: try! JSONEncoder().encode(object)))
    }
}

extension Response {
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try JSONDecoder().decode(T.self, from: body) }
    var status: Status? { try? JSONDecoder().decode(Status.self, from: body) }
    var text: String { String(decoding: body, as: UTF8.self) }
}

func service(_ name: String, namespace: String = "default", clusterIP: String? = nil, type: String? = nil, ports: [ServicePort] = [ServicePort(name: "http", port: 80, targetPort: .string("http"))]) -> Service {
    Service(metadata: ObjectMeta(name: name, namespace: namespace), spec: ServiceSpec(type: type, selector: ["app": name], ports: ports, clusterIP: clusterIP))
}
