import SkiffAPI

extension ObjectCache {
    /// Applies one watch event at `revision`. Returns the notification, or nil when the cache already holds that
    /// revision or a newer one (nothing changes then), or when a deletion finds nothing to delete.
    mutating func apply(_ type: WatchEventType, _ object: Object, revision: Int64) -> InformerEvent<Object>? {
        let key = Self.key(for: object)
        if let known = self.revision(key), known >= revision { return nil }
        switch type {
        case .added, .modified:
            let old = upsert(object, revision: revision, key: key)
            return old.map { .updated(old: $0, new: object) } ?? .added(object)
        case .deleted:
            guard remove(key) != nil else { return nil }
            return .deleted(object)
        case .bookmark:
            return nil
        }
    }

    /// Makes the cache equal `objects`, a list taken at `revision`, and returns the difference as events: adds and
    /// updates in list order, then deletions in key order.
    ///
    /// Revisions decide, so no consumer sees an older version after a newer one: an object is replaced only by a
    /// newer revision, and a cached object missing from the list is deleted only if it is not newer than the list.
    /// With `reset` (the store's history was replaced: a new epoch whose revisions went backwards) revisions of
    /// the two histories cannot be compared, so the list wins and objects are compared by content.
    mutating func replace(with objects: [Object], revision: Int64, reset: Bool) -> [InformerEvent<Object>] {
        var events: [InformerEvent<Object>] = []
        var listed = Set<String>(minimumCapacity: objects.count)
        for object in objects {
            let key = Self.key(for: object)
            let objectRevision = Self.revision(of: object)
            listed.insert(key)
            if let old = entries[key] {
                let changed = reset ? old.object != object || old.revision != objectRevision : objectRevision > old.revision
                guard changed else { continue }
                upsert(object, revision: objectRevision, key: key)
                events.append(.updated(old: old.object, new: object))
            } else {
                upsert(object, revision: objectRevision, key: key)
                events.append(.added(object))
            }
        }
        if listed.count < entries.count {
            let gone = entries.filter { !listed.contains($0.key) && (reset || $0.value.revision <= revision) }.keys.sorted()
            for key in gone {
                if let old = remove(key) { events.append(.deleted(old)) }
            }
        }
        return events
    }
}
