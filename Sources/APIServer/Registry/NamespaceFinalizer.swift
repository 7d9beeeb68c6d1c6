import Foundation
import Logging
import SkiffAPI
import SkiffJSON
import SkiffStore

/// Deletes namespaces the way Kubernetes does: the namespace turns `Terminating` at once (so nothing new can be
/// created in it), then everything in it is deleted in the background, then the namespace itself.
/// Terminating namespaces found at start are finished, so a crash mid-way loses nothing.
actor NamespaceFinalizer {
    private let registry: Registry
    private let logger: Logger
    private let queue: AsyncStream<String>
    private let enqueue: AsyncStream<String>.Continuation
    /// Objects deleted per store transaction.
    private static let batchSize = 256

    init(registry: Registry, logger: Logger) {
        self.registry = registry
        self.logger = logger
        (queue, enqueue) = AsyncStream.makeStream(of: String.self)
    }

    func delete(name: String, dryRun: Bool) async throws(Status) -> Data {
        if Namespace.systemNamespaces.contains(name) {
            throw .forbidden("namespaces \"\(name)\" is forbidden: this namespace may not be deleted")
        }
        let (namespace, stored) = try await registry.getObject(Namespace.self, namespace: "", name: name)
        if dryRun || namespace.status?.phase == "Terminating" { return stored.value }
        var terminating = namespace
        terminating.metadata.deletionTimestamp = .now()
        terminating.status = NamespaceStatus(phase: "Terminating")
        let final = terminating
        let event: StoreEvent
        do {
            event = try await registry.store.write(.update(stored.key, expectedRevision: stored.modRevision) { _, revision in
                try ObjectCodec.encode(final, revision: revision)
            })
        } catch {
            throw .from(error, resource: Namespace.resource, name: name)
        }
        enqueue.yield(name)
        return event.object.value
    }

    /// Finishes every Terminating namespace, now and as they come; returns when cancelled.
    func run() async {
        if let (namespaces, _) = try? await registry.store.list(resource: Namespace.resource.plural, namespace: nil, atRevision: nil) {
            for stored in namespaces {
                if let namespace = try? FastJSONDecoder.decode(Namespace.self, from: stored.value), namespace.status?.phase == "Terminating" {
                    enqueue.yield(namespace.name)
                }
            }
        }
        for await name in queue {
            var delay = Duration.milliseconds(100)
            while !Task.isCancelled {
                do {
                    try await finalize(name)
                    break
                } catch {
                    logger.warning("namespace \(name): cleanup failed, retrying: \(error)")
                    try? await Task.sleep(for: delay)
                    delay = min(delay * 2, .seconds(5))
                }
            }
        }
    }

    func shutdown() { enqueue.finish() }

    private func finalize(_ name: String) async throws {
        for type in Resources.all where type.resource.namespaced {
            try await deleteAll(type, namespace: name)
        }
        let key = Registry.key(Namespace.resource, namespace: "", name: name)
        do {
            _ = try await registry.store.write(.delete(key, expectedRevision: nil))
        } catch let error as StoreError where error.code == .notFound {
            return
        }
        logger.info("namespace \(name) deleted")
    }

    private func deleteAll<T: APIObject>(_ type: T.Type, namespace: String) async throws {
        while true {
            let (objects, _) = try await registry.store.list(resource: T.resource.plural, namespace: namespace, atRevision: nil)
            if objects.isEmpty { return }
            for chunk in stride(from: 0, to: objects.count, by: Self.batchSize).map({ objects[$0..<min($0 + Self.batchSize, objects.count)] }) {
                var plans: [PlannedWrite] = []
                for object in chunk { plans.append(try registry.planDelete(T.self, current: object)) }
                _ = try await registry.commit(plans)
            }
        }
    }
}
