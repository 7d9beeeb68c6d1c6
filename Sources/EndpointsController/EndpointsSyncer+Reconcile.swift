import SkiffAPI
import SkiffMessaging

/// One Service key: read the caches, plan, write the plan.
extension EndpointsSyncer {
    /// Brings the Endpoints and slices of the Service `key` (`namespace/name`) in line with the caches. Returns
    /// without writing when the plan is empty, or when the caches do not show this key's last writes yet (the key
    /// is looked at again after `staleRetry`). Throws the `APIError` of a refused write (409 or 404: the cache was
    /// stale) so that the queue retries with backoff.
    public func reconcile(_ key: String) async throws {
        guard isSettled(key) else {
            counters.withLock { $0.staleSkips += 1 }
            logger.trace("caches do not show the last writes yet; looking again later", metadata: ["service": "\(key)"])
            await queue.addAfter(key, delay: options.staleRetry)
            return
        }
        let (namespace, name) = Self.split(key)
        let service = services.get(namespace: namespace, name: name)
        let plan = EndpointsReconciler.plan(
            service: service, serviceKey: (namespace, name),
            pods: candidatePods(for: service, namespace: namespace),
            existingEndpoints: endpoints.get(namespace: namespace, name: name),
            existingSlices: slices.byLabel(EndpointSlice.serviceNameLabel, name).filter { $0.namespace == namespace },
            options: options.reconciler)
        counters.withLock {
            $0.syncs += 1
            if plan.isEmpty { $0.unchanged += 1 }
        }
        guard !plan.isEmpty else {
            logger.trace("unchanged", metadata: ["service": "\(key)"])
            return
        }
        var written = WriteExpectations()
        defer {
            if !written.isEmpty { expectations.withLock { $0[key] = written } }
        }
        try await apply(plan, namespace: namespace, recording: &written)
        logger.debug("synced", metadata: [
            "service": "\(key)", "slicesCreated": "\(plan.slicesToCreate.count)",
            "slicesUpdated": "\(plan.slicesToUpdate.count)", "slicesDeleted": "\(plan.slicesToDelete.count)",
        ])
    }

    /// The Pods that may match the Service's selector: those carrying one of its labels (from the label index),
    /// so a reconcile reads its few Pods rather than the whole namespace. The reconciler checks the full selector.
    func candidatePods(for service: Service?, namespace: String) -> [Pod] {
        guard let selector = service?.spec?.selector, let (label, value) = selector.min(by: { $0.key < $1.key }) else { return [] }
        return pods.byLabel(label, value).filter { $0.namespace == namespace }
    }

    /// Writes a plan in Kubernetes' order (create, update, delete), recording each write that succeeded, also when
    /// a later one fails.
    func apply(_ plan: EndpointsPlan, namespace: String, recording written: inout WriteExpectations) async throws {
        if case .create(let object) = plan.endpoints {
            written.wrote(.endpoints, try await counted(\.creates) { () async throws(APIError) in try await writer.create(object) })
        }
        for slice in plan.slicesToCreate {
            written.wrote(.slice, try await counted(\.creates) { () async throws(APIError) in try await writer.create(slice) })
        }
        if case .update(let object) = plan.endpoints {
            written.wrote(.endpoints, try await counted(\.updates) { () async throws(APIError) in try await writer.update(object) })
        }
        for slice in plan.slicesToUpdate {
            written.wrote(.slice, try await counted(\.updates) { () async throws(APIError) in try await writer.update(slice) })
        }
        for slice in plan.slicesToDelete {
            try await counted(\.deletes) { () async throws(APIError) in
                try await writer.delete(EndpointSlice.self, namespace: slice.namespace, name: slice.name,
                                        resourceVersion: slice.metadata.resourceVersion)
            }
            written.deleted(.slice, slice)
        }
        if case .delete(let endpointsName) = plan.endpoints {
            let cached = endpoints.get(namespace: namespace, name: endpointsName)
            try await counted(\.deletes) { () async throws(APIError) in
                try await writer.delete(Endpoints.self, namespace: namespace, name: endpointsName,
                                        resourceVersion: cached?.metadata.resourceVersion)
            }
            if let cached { written.deleted(.endpoints, cached) }
        }
    }

    /// True when the caches show every write of the key's last reconcile (and forgets them then).
    func isSettled(_ key: String) -> Bool {
        expectations.withLock { all in
            guard var pending = all[key] else { return true }
            let settled = pending.settle(endpoints: endpoints, slices: slices)
            all[key] = settled ? nil : pending
            return settled
        }
    }

    /// Runs one write and counts it: under `field` when it succeeds, as a conflict when the apiserver says the
    /// cache was stale (409, 404), as a failure otherwise.
    @discardableResult
    private func counted<T: Sendable>(_ field: WritableKeyPath<EndpointsSyncerStatistics, Int>,
                                      _ write: () async throws(APIError) -> T) async throws(APIError) -> T {
        do {
            let result = try await write()
            counters.withLock { $0[keyPath: field] += 1 }
            return result
        } catch {
            let stale = error.code == 409 || error.isNotFound
            counters.withLock { stale ? ($0.conflicts += 1) : ($0.failures += 1) }
            throw error
        }
    }
}
