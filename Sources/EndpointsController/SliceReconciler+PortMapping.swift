import SkiffAPI

extension SliceReconciler {
    /// reconcileByPortMapping for the slices of one port set and address type:
    /// 1. drop endpoints no longer desired and refresh changed ones; such slices are updated (deleted if empty);
    /// 2. fill the slices being updated, fullest first;
    /// 3. put what is left into the unchanged slice that ends closest to full, or into new slices.
    func reconcile(existing: [EndpointSlice], desired: EndpointSet, ports: [EndpointSlicePort], addressType: String) -> SliceChanges {
        var desired = desired
        var byName: [String: EndpointSlice] = [:]
        var unchanged: [String] = []
        var toUpdate: [String] = []
        var changes = SliceChanges()
        let labels = desiredLabels

        for slice in existing {
            var kept: [Endpoint] = []
            var endpointChanged = false
            for endpoint in slice.endpoints {
                guard let want = desired.get(endpoint) else { continue }
                kept.append(want)
                if !EndpointSet.equalBeyondKey(want, endpoint) { endpointChanged = true }
                desired.remove(endpoint)
            }
            var updated = slice
            updated.metadata.labels = labels
            if endpointChanged || kept.count != slice.endpoints.count {
                if kept.isEmpty {
                    changes.toDelete.append(slice)
                    continue
                }
                updated.endpoints = kept
                toUpdate.append(slice.name)
            } else if slice.labels != labels {
                toUpdate.append(slice.name)
            } else {
                unchanged.append(slice.name)
            }
            byName[slice.name] = updated
        }

        var remaining = desired.sorted[...]
        // 2. Fill the slices already being written, fullest first.
        let fullestFirst = toUpdate.sorted { (byName[$0]?.endpoints.count ?? 0, $1) > (byName[$1]?.endpoints.count ?? 0, $0) }
        for name in fullestFirst where !remaining.isEmpty {
            fill(&byName[name], from: &remaining)
        }
        // 3. Then one unchanged slice that the rest fits into, then new slices.
        while !remaining.isEmpty {
            if remaining.count < maxEndpointsPerSlice,
               let name = sliceToFill(unchanged.compactMap { byName[$0] }, adding: remaining.count) {
                fill(&byName[name], from: &remaining)
                unchanged.removeAll { $0 == name }
                toUpdate.append(name)
                continue
            }
            var slice: EndpointSlice? = newSlice(ports: ports, addressType: addressType)
            fill(&slice, from: &remaining)
            if let slice { changes.toCreate.append(slice) }
        }
        changes.toUpdate = toUpdate.compactMap { byName[$0] }.map(Self.ordered)
        changes.toCreate = changes.toCreate.map(Self.ordered)
        return changes
    }

    private func fill(_ slice: inout EndpointSlice?, from remaining: inout ArraySlice<Endpoint>) {
        guard var filled = slice else { return }
        let room = max(0, maxEndpointsPerSlice - filled.endpoints.count)
        filled.endpoints += remaining.prefix(room)
        remaining = remaining.dropFirst(room)
        slice = filled
    }

    /// Kubernetes' getSliceToFill: the slice left closest to full after adding `count` endpoints.
    private func sliceToFill(_ slices: [EndpointSlice], adding count: Int) -> String? {
        var best: (room: Int, name: String)?
        for slice in slices {
            let room = maxEndpointsPerSlice - (count + slice.endpoints.count)
            if room >= 0 && room < (best?.room ?? maxEndpointsPerSlice) { best = (room, slice.name) }
        }
        return best?.name
    }

    private static func ordered(_ slice: EndpointSlice) -> EndpointSlice {
        var slice = slice
        slice.endpoints = EndpointSet.ordered(slice.endpoints)
        return slice
    }
}
