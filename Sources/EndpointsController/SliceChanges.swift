import SkiffAPI

/// Slices to create, update and delete, before they become part of a plan.
struct SliceChanges {
    var toCreate: [EndpointSlice] = []
    var toUpdate: [EndpointSlice] = []
    var toDelete: [EndpointSlice] = []

    mutating func append(_ other: SliceChanges) {
        toCreate += other.toCreate
        toUpdate += other.toUpdate
        toDelete += other.toDelete
    }

    /// Kubernetes' finalize: instead of deleting a slice and creating another, update the old one with the new
    /// content (same address type, and owned by `canReuse`), which saves a write and keeps names stable.
    mutating func recycle(canReuse: (EndpointSlice) -> Bool) {
        var index = 0
        while index < toDelete.count, var slice = toCreate.last {
            let old = toDelete[index]
            guard old.addressType == slice.addressType && canReuse(old) else {
                index += 1
                continue
            }
            slice.metadata.name = old.metadata.name
            slice.metadata.generateName = nil
            slice.metadata.uid = old.metadata.uid
            slice.metadata.resourceVersion = old.metadata.resourceVersion
            slice.metadata.creationTimestamp = old.metadata.creationTimestamp
            toCreate.removeLast()
            toUpdate.append(slice)
            toDelete.remove(at: index)
        }
    }

    /// Updates and deletes by name; creates keep the order they were made in.
    func sortedByName() -> SliceChanges {
        SliceChanges(toCreate: toCreate, toUpdate: toUpdate.sorted { $0.name < $1.name },
                     toDelete: toDelete.sorted { $0.name < $1.name })
    }
}
