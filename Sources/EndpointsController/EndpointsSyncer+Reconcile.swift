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

    /// Writes a plan, recording each write that succeeded, also when another one fails (then the first error is
    /// thrown). The slices are written in Kubernetes' order (create, update, delete, so a Service never lacks
    /// endpoints meanwhile); the Endpoints object is independent of them (Kubernetes writes it from a controller
    /// of its own) and is written at the same time, so both share one commit instead of paying two in a row.
    func apply(_ plan: EndpointsPlan, namespace: String, recording written: inout WriteExpectations) async throws {
        async let endpointsWrite = applyEndpoints(plan.endpoints, namespace: namespace)
        var sliceWrites = WriteExpectations()
        var sliceError: (any Error)?
        do { try await applySlices(plan, recording: &sliceWrites) } catch { sliceError = error }
        let (endpointsWrites, endpointsError) = await endpointsWrite
        written.writes += endpointsWrites.writes + sliceWrites.writes
        if let error = endpointsError ?? sliceError { throw error }
    }

    private func applySlices(_ plan: EndpointsPlan, recording written: inout WriteExpectations) async throws {
        for slice in plan.slicesToCreate {
            written.wrote(.slice, try await counted(\.creates) { () async throws(APIError) in try await writer.create(slice) })
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
    }

    /// The Endpoints part of a plan: what was written, and the error if the write failed.
    private func applyEndpoints(_ change: EndpointsChange, namespace: String) async -> (WriteExpectations, (any Error)?) {
        var written = WriteExpectations()
        do {
            switch change {
            case .none:
                break
            case .create(let object):
                written.wrote(.endpoints, try await counted(\.creates) { () async throws(APIError) in try await writer.create(object) })
            case .update(let object):
                written.wrote(.endpoints, try await counted(\.updates) { () async throws(APIError) in try await writer.update(object) })
            case .delete(let endpointsName):
                let cached = endpoints.get(namespace: namespace, name: endpointsName)
                try await counted(\.deletes) { () async throws(APIError) in
                    try await writer.delete(Endpoints.self, namespace: namespace, name: endpointsName,
                                            resourceVersion: cached?.metadata.resourceVersion)
                }
                if let cached { written.deleted(.endpoints, cached) }
            }
            return (written, nil)
        } catch {
            return (written, error)
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
