import SkiffAPI
import SkiffMessaging

/// The informers' handlers: each only works out which Service keys an event concerns and enqueues them.
extension EndpointsSyncer {
    /// `namespace/name` of a Service.
    public static func key(namespace: String, name: String) -> String { ObjectCache<Service>.key(namespace: namespace, name: name) }

    /// Splits a key made by `key(namespace:name:)`.
    public static func split(_ key: String) -> (namespace: String, name: String) {
        guard let slash = key.firstIndex(of: "/") else { return ("", key) }
        return (String(key[..<slash]), String(key[key.index(after: slash)...]))
    }

    func addHandlers() {
        services.addHandlers(
            onAdd: { [self] in await enqueue(serviceKey($0), cause: "service added") },
            onUpdate: { [self] _, new in await enqueue(serviceKey(new), cause: "service updated") },
            onDelete: { [self] in await enqueue(serviceKey($0), cause: "service deleted") })
        pods.addHandlers(
            onAdd: { [self] in await enqueueBatched(servicesSelecting([$0]), cause: "pod added") },
            onUpdate: { [self] old, new in await enqueueBatched(servicesSelecting([old, new]), cause: "pod updated") },
            onDelete: { [self] in await enqueueBatched(servicesSelecting([$0]), cause: "pod deleted") })
        // Endpoints of a Service that does not exist (yet) are left alone unless they go away; a deleted
        // Endpoints object of a Service that exists is written again.
        endpoints.addHandlers(
            onAdd: { [self] in await enqueueBatched(keyIfServiceExists($0), cause: "endpoints added") },
            onUpdate: { [self] _, new in await enqueueBatched(keyIfServiceExists(new), cause: "endpoints updated") },
            onDelete: { [self] in await enqueueBatched([serviceKey($0)], cause: "endpoints deleted") })
        slices.addHandlers(
            onAdd: { [self] in await enqueueBatched(owner(of: $0), cause: "slice added") },
            onUpdate: { [self] old, new in await enqueueBatched(Array(Set(owner(of: old) + owner(of: new))), cause: "slice updated") },
            onDelete: { [self] in await enqueueBatched(owner(of: $0), cause: "slice deleted") })
    }

    private func serviceKey<T: APIObject>(_ object: T) -> String { Self.key(namespace: object.namespace, name: object.name) }

    /// Keys of the Services in the Pods' namespace whose selector matches any of the Pods' labels (the old and the
    /// new labels of an update: a Pod that stopped matching must leave the Service's endpoints).
    func servicesSelecting(_ pods: [Pod]) -> [String] {
        services.withCache { Self.servicesSelecting(pods, in: $0) }
    }

    private func keyIfServiceExists(_ object: Endpoints) -> [String] {
        services.get(namespace: object.namespace, name: object.name) == nil ? [] : [serviceKey(object)]
    }

    /// The Service a slice belongs to, by its `kubernetes.io/service-name` label.
    private func owner(of slice: EndpointSlice) -> [String] {
        guard let name = slice.labels[EndpointSlice.serviceNameLabel], !name.isEmpty else { return [] }
        return [Self.key(namespace: slice.namespace, name: name)]
    }

    private func enqueue(_ key: String, cause: String) async {
        logger.trace("enqueue", metadata: ["service": "\(key)", "cause": "\(cause)"])
        await queue.add(key)
    }

    private func enqueueBatched(_ keys: [String], cause: String) async {
        for key in keys {
            logger.trace("enqueue", metadata: ["service": "\(key)", "cause": "\(cause)", "after": "\(options.batchPeriod)"])
            await queue.addAfter(key, delay: options.batchPeriod)
        }
    }
}
