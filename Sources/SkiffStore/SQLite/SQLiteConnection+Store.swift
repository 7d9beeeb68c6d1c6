import Foundation

/// The store's SQL, as operations on one connection (see `StoreSchema` for the tables). Reads run on reader
/// threads, writes on the writer thread inside its transaction.
extension SQLiteConnection {
    /// (revision of the last commit, compaction point).
    func revisions() throws -> (current: Revision, compacted: Revision) {
        guard let revisions = try queryOne("SELECT current_rev, compacted_rev FROM meta WHERE id = 1", [], {
            (current: $0.int(0), compacted: $0.int(1))
        }) else { throw StoreError.io("\(path) is damaged: its meta row is missing") }
        return revisions
    }

    /// The latest version of `key`, with its rowid.
    func object(_ key: StoreKey) throws -> (rowid: Int64, object: StoredObject)? {
        try queryOne(
            "SELECT rowid, value, create_rev, mod_rev FROM kv WHERE resource = ?1 AND namespace = ?2 AND name = ?3",
            [.text(key.resource), .text(key.namespace), .text(key.name)]
        ) { row in
            (row.int(0), StoredObject(key: key, value: row.blob(1), createRevision: row.int(2), modRevision: row.int(3)))
        }
    }

    /// The latest objects of `resource` (in `namespace` if given), in key order: a range scan of kv_key.
    func latestObjects(resource: String, namespace: String?) throws -> [StoredObject] {
        var objects: [StoredObject] = []
        let columns = "SELECT namespace, name, value, create_rev, mod_rev FROM kv"
        let (sql, values): (String, [SQLValue]) = if let namespace {
            ("\(columns) WHERE resource = ?1 AND namespace = ?2 ORDER BY namespace, name", [.text(resource), .text(namespace)])
        } else {
            ("\(columns) WHERE resource = ?1 ORDER BY namespace, name", [.text(resource)])
        }
        try query(sql, values) { row in
            objects.append(StoredObject(
                key: StoreKey(resource: resource, namespace: row.text(0), name: row.text(1)),
                value: row.blob(2), createRevision: row.int(3), modRevision: row.int(4)))
        }
        return objects
    }

    /// The objects of `resource` (in `namespace` if given) as they were at `revision`, in key order: for each key its
    /// last history row at or below `revision`, unless that row is a delete. Valid for revision >= the compaction point.
    func objects(resource: String, namespace: String?, at revision: Revision) throws -> [StoredObject] {
        var objects: [StoredObject] = []
        let inNamespace = namespace == nil ? "" : " AND namespace = ?3"
        let sql = """
            SELECT h.namespace, h.name, h.value, h.create_rev, h.rev
            FROM (SELECT max(rev) AS rev FROM history WHERE resource = ?1 AND rev <= ?2\(inNamespace) GROUP BY namespace, name) AS last
            JOIN history AS h ON h.rev = last.rev
            WHERE h.type != 'DELETED'
            ORDER BY h.namespace, h.name
            """
        var values: [SQLValue] = [.text(resource), .int(revision)]
        if let namespace { values.append(.text(namespace)) }
        try query(sql, values) { row in
            objects.append(StoredObject(
                key: StoreKey(resource: resource, namespace: row.text(0), name: row.text(1)),
                value: row.blob(2), createRevision: row.int(3), modRevision: row.int(4)))
        }
        return objects
    }

    /// Up to `limit` events with revision > `after`, in revision order.
    func events(after: Revision, limit: Int) throws -> [StoreEvent] {
        var events: [StoreEvent] = []
        let sql = """
            SELECT rev, type, resource, namespace, name, value, create_rev FROM history
            WHERE rev > ?1 ORDER BY rev LIMIT ?2
            """
        try query(sql, [.int(after), .int(Int64(limit))]) { row in
            let revision = row.int(0)
            guard let type = EventType(rawValue: row.text(1)) else {
                throw StoreError.io("\(path) is damaged: history row \(revision) has unknown type \(row.text(1))")
            }
            let key = StoreKey(resource: row.text(2), namespace: row.text(3), name: row.text(4))
            let object = StoredObject(key: key, value: row.blob(5), createRevision: row.int(6), modRevision: revision)
            events.append(StoreEvent(type: type, object: object, revision: revision))
        }
        return events
    }

    // MARK: Writes (writer thread, inside its transaction)

    func insertObject(_ object: StoredObject) throws {
        try execute(
            "INSERT INTO kv (resource, namespace, name, value, create_rev, mod_rev) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            .text(object.key.resource), .text(object.key.namespace), .text(object.key.name), .blob(object.value),
            .int(object.createRevision), .int(object.modRevision))
    }

    func updateObject(rowid: Int64, value: Data, modRevision: Revision) throws {
        try execute("UPDATE kv SET value = ?2, mod_rev = ?3 WHERE rowid = ?1", .int(rowid), .blob(value), .int(modRevision))
    }

    func deleteObject(rowid: Int64) throws {
        try execute("DELETE FROM kv WHERE rowid = ?1", .int(rowid))
    }

    func appendHistory(_ event: StoreEvent, timing: WriteTiming?) throws {
        let object = event.object
        func time(_ date: Date?) -> SQLValue { date.map { .double($0.timeIntervalSince1970) } ?? .null }
        try execute(
            """
            INSERT INTO history (rev, type, resource, namespace, name, value, create_rev,
                                 received, authorized, allocation_started, allocated, admitted)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
            """,
            .int(event.revision), .text(event.type.rawValue), .text(object.key.resource), .text(object.key.namespace),
            .text(object.key.name), .blob(object.value), .int(object.createRevision),
            time(timing?.received), time(timing?.authorized), time(timing?.allocationStarted), time(timing?.allocated),
            time(timing?.admitted))
    }

    func recordCommitTime(_ revision: Revision, _ time: Double) throws {
        try execute("INSERT INTO commit_times (rev, time) VALUES (?1, ?2)", .int(revision), .double(time))
    }

    /// The stored versions of `key` from revision `since` on (revision order), each with the time its revision
    /// committed and the timing of the request that wrote it.
    func history(of key: StoreKey, since: Revision) throws -> [StoreHistoryEntry] {
        var entries: [StoreHistoryEntry] = []
        let sql = """
            SELECT h.rev, h.type, h.value, h.create_rev,
                   (SELECT time FROM commit_times c WHERE c.rev >= h.rev ORDER BY c.rev LIMIT 1),
                   h.received, h.authorized, h.allocation_started, h.allocated, h.admitted
            FROM history h WHERE h.resource = ?1 AND h.namespace = ?2 AND h.name = ?3 AND h.rev >= ?4 ORDER BY h.rev
            """
        try query(sql, [.text(key.resource), .text(key.namespace), .text(key.name), .int(since)]) { row in
            let revision = row.int(0)
            guard let type = EventType(rawValue: row.text(1)) else {
                throw StoreError.io("\(path) is damaged: history row \(revision) has unknown type \(row.text(1))")
            }
            let object = StoredObject(key: key, value: row.blob(2), createRevision: row.int(3), modRevision: revision)
            func time(_ column: Int32) -> Date? {
                row.isNull(column) || row.double(column) <= 0 ? nil : Date(timeIntervalSince1970: row.double(column))
            }
            let timing = time(5).map {
                WriteTiming(received: $0, authorized: time(6), allocationStarted: time(7), allocated: time(8), admitted: time(9))
            }
            entries.append(StoreHistoryEntry(type: type, object: object, committed: time(4), timing: timing))
        }
        return entries
    }

    func setCurrentRevision(_ revision: Revision) throws {
        try execute("UPDATE meta SET current_rev = ?1 WHERE id = 1", .int(revision))
    }

    /// Deletes the history at or below `revision` that no revision >= it can need: deletes, and versions superseded
    /// by a later write at or below `revision`. What stays below is the version each live key had at `revision`.
    func compactHistory(through revision: Revision) throws {
        try execute("""
            DELETE FROM history WHERE rev <= ?1 AND (type = 'DELETED' OR EXISTS (
                SELECT 1 FROM history AS newer
                WHERE newer.resource = history.resource AND newer.namespace = history.namespace
                  AND newer.name = history.name AND newer.rev > history.rev AND newer.rev <= ?1))
            """, .int(revision))
        try execute("UPDATE meta SET compacted_rev = ?1 WHERE id = 1", .int(revision))
    }
}
