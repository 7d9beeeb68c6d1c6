import SkiffAPI

/// Kubernetes' EndpointSlice mirroring controller: a Service without a selector has its Endpoints written by
/// the user; those are copied into slices so that slice consumers (DNS, proxies) see them too. Each subset
/// (grouped by address type and ports) maps to one slice of at most `maxPerSubset` endpoints.
struct SliceMirror {
    let endpoints: Endpoints
    let maxPerSubset: Int

    /// Whether these Endpoints may be mirrored: not opted out, and not a leader-election lock.
    static func shouldMirror(_ endpoints: Endpoints) -> Bool {
        endpoints.labels[EndpointsLabels.skipMirror] != "true"
            && endpoints.metadata.annotations?[EndpointsLabels.leaderElection] == nil
    }

    /// `existing` holds the mirroring controller's slices for this name.
    func reconcile(existing: [EndpointSlice]) -> SliceChanges {
        let desired = desiredEndpoints()
        var existingByKey: [MirrorKey: [EndpointSlice]] = [:]
        for slice in existing.sorted(by: { $0.name < $1.name }) {
            existingByKey[MirrorKey(addressType: slice.addressType, ports: PortSetKey(slice.ports)), default: []].append(slice)
        }
        var changes = SliceChanges()
        for key in desired.keys.sorted() {
            let slices = existingByKey[key] ?? []
            let want = desired[key] ?? EndpointSet()
            // One slice per key: keep the first, drop the rest; write the first only if it differs.
            changes.toDelete += slices.dropFirst()
            var slice = newSlice(key: key)
            slice.endpoints = want.sorted
            if let current = slices.first {
                if matches(current, slice) { continue }
                slice.metadata.name = current.metadata.name
                slice.metadata.generateName = nil
                slice.metadata.uid = current.metadata.uid
                slice.metadata.resourceVersion = current.metadata.resourceVersion
                changes.toUpdate.append(slice)
            } else {
                changes.toCreate.append(slice)
            }
        }
        for key in existingByKey.keys.sorted() where desired[key] == nil {
            changes.toDelete += existingByKey[key] ?? []
        }
        changes.recycle { _ in true }
        if endpoints.metadata.deletionTimestamp != nil { changes.toCreate = [] }
        return changes.sortedByName()
    }

    /// Ready then not-ready addresses of each subset, up to the per-subset cap; addresses that are not IPs are
    /// skipped. Subsets with the same ports merge.
    private func desiredEndpoints() -> [MirrorKey: EndpointSet] {
        var result: [MirrorKey: EndpointSet] = [:]
        for subset in endpoints.subsets ?? [] {
            let ports = PortSetKey((subset.ports ?? []).map {
                EndpointSlicePort(name: $0.name ?? "", protocol: PortResolver.protocolOf($0.protocol), port: $0.port,
                                  appProtocol: $0.appProtocol)
            })
            let addresses = (subset.addresses ?? []).map { ($0, true) } + (subset.notReadyAddresses ?? []).map { ($0, false) }
            var added = 0
            for (address, ready) in addresses where added < maxPerSubset {
                guard let type = AddressFamily.of(address.ip) else { continue }
                let endpoint = Endpoint(addresses: [address.ip], conditions: EndpointConditions(ready: ready),
                                        hostname: address.hostname.flatMap { $0.isEmpty ? nil : $0 },
                                        targetRef: address.targetRef, nodeName: address.nodeName)
                result[MirrorKey(addressType: type, ports: ports), default: EndpointSet()].insert(endpoint)
                added += 1
            }
        }
        return result
    }

    /// Equal endpoints (by identity and beyond), labels and annotations.
    private func matches(_ current: EndpointSlice, _ wanted: EndpointSlice) -> Bool {
        let desired = EndpointSet(wanted.endpoints)
        guard current.endpoints.count == desired.count, current.labels == wanted.labels,
              (current.metadata.annotations ?? [:]) == (wanted.metadata.annotations ?? [:]) else { return false }
        return current.endpoints.allSatisfy { endpoint in
            desired.get(endpoint).map { EndpointSet.equalBeyondKey($0, endpoint) } ?? false
        }
    }

    /// Labels and annotations copied from the Endpoints (minus bookkeeping annotations), owned by the Endpoints.
    private func newSlice(key: MirrorKey) -> EndpointSlice {
        var labels = endpoints.metadata.labels ?? [:]
        labels[EndpointSlice.serviceNameLabel] = endpoints.name
        labels[EndpointSlice.managedByLabel] = EndpointsLabels.mirroringControllerName
        var annotations = endpoints.metadata.annotations ?? [:]
        annotations[EndpointsLabels.triggerTime] = nil
        annotations[EndpointsLabels.lastApplied] = nil
        var metadata = ObjectMeta(namespace: endpoints.namespace, labels: labels,
                                  annotations: annotations.isEmpty ? nil : annotations)
        metadata.generateName = endpoints.name + "-"
        metadata.ownerReferences = [OwnerReference(apiVersion: "v1", kind: "Endpoints", name: endpoints.name,
                                                   uid: endpoints.metadata.uid ?? "", controller: true, blockOwnerDeletion: true)]
        return EndpointSlice(metadata: metadata, addressType: key.addressType, endpoints: [], ports: key.ports.ports)
    }
}

/// Mirrored slices are grouped by address type and port set.
struct MirrorKey: Hashable, Comparable {
    let addressType: String
    let ports: PortSetKey

    static func < (lhs: MirrorKey, rhs: MirrorKey) -> Bool {
        lhs.addressType != rhs.addressType ? lhs.addressType < rhs.addressType : lhs.ports < rhs.ports
    }
}
