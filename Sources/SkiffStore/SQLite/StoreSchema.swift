/// The on-disk layout of DIR/skiff.db (schema version 1).
///
/// ```
/// schema_version(version)                       one row: the layout below is version 1
/// meta(id = 1, current_rev, compacted_rev)      one row, written in every commit: the revision of the last commit and
///                                               the compaction point. Read in the same transaction as the objects, so a
///                                               list and the revision it reports always agree.
/// kv(resource, namespace, name, value, create_rev, mod_rev)
///                                               the latest state; UNIQUE INDEX kv_key(resource, namespace, name), so a
///                                               list of one resource (or one namespace of it) is an index range scan in
///                                               key order. A rowid table, not WITHOUT ROWID: values are kilobytes, and
///                                               a clustered b-tree would carry them in its interior pages.
/// history(rev PRIMARY KEY, type, resource, namespace, name, value, create_rev,
///         received, authorized, allocation_started, allocated, admitted)
///                                               one row per committed write: the event log (`events(after:)` is a rowid
///                                               range) and the versions for list-at-revision. A delete's row keeps the
///                                               last value. INDEX history_key(resource, namespace, name, rev). The last
///                                               five columns are the `WriteTiming` of the request that made the write
///                                               (Unix seconds, NULL when unknown): in the row it wrote, so they cost no
///                                               extra insert and are compacted with it. Added to older version 1 files
///                                               when they open.
/// commit_times(rev PRIMARY KEY, time)           one row per transaction: its last revision and the wall-clock time
///                                               (Unix seconds) it committed; a revision committed at the time of the
///                                               first row at or above it (time 0: unknown). Added to version 1 files
///                                               when they open.
/// ```
///
/// State at revision R (for R >= compacted_rev): for each key, its last history row with rev <= R, unless that row is a
/// delete. Compacting through C deletes every history row at or below C except the version each live key had at C,
/// so that rule keeps working for every R >= C while the events (after C) stay complete.
enum StoreSchema {
    static let version: Int64 = 1

    static let create = """
        CREATE TABLE schema_version (version INTEGER NOT NULL);
        CREATE TABLE meta (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            current_rev INTEGER NOT NULL,
            compacted_rev INTEGER NOT NULL
        );
        CREATE TABLE kv (
            resource TEXT NOT NULL,
            namespace TEXT NOT NULL,
            name TEXT NOT NULL,
            value BLOB NOT NULL,
            create_rev INTEGER NOT NULL,
            mod_rev INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX kv_key ON kv (resource, namespace, name);
        CREATE TABLE history (
            rev INTEGER PRIMARY KEY,
            type TEXT NOT NULL,
            resource TEXT NOT NULL,
            namespace TEXT NOT NULL,
            name TEXT NOT NULL,
            value BLOB NOT NULL,
            create_rev INTEGER NOT NULL,
            received REAL,
            authorized REAL,
            allocation_started REAL,
            allocated REAL,
            admitted REAL
        );
        CREATE INDEX history_key ON history (resource, namespace, name, rev);
        CREATE TABLE commit_times (rev INTEGER PRIMARY KEY, time REAL NOT NULL);
        INSERT INTO meta (id, current_rev, compacted_rev) VALUES (1, 0, 0);
        INSERT INTO schema_version (version) VALUES (1);
        """

    /// The history columns of `WriteTiming`, in its order.
    static let timingColumns = ["received", "authorized", "allocation_started", "allocated", "admitted"]

    /// Settings every connection gets. 8 MB of page cache each keeps a 10,000-object list in memory.
    static func configure(_ connection: SQLiteConnection) throws {
        try connection.execute("PRAGMA cache_size = -8192")
        try connection.execute("PRAGMA temp_store = MEMORY")
    }

    /// Sets up the write connection: WAL, the durability level, and the schema (created on first open, checked after).
    /// Returns the (current, compacted) revisions stored in the file.
    static func open(writer connection: SQLiteConnection, synchronous: Bool) throws -> (current: Revision, compacted: Revision) {
        try configure(connection)
        let mode = try connection.queryOne("PRAGMA journal_mode = WAL", []) { $0.text(0) }
        guard mode?.lowercased() == "wal" else {
            throw StoreError.io("\(connection.path): cannot switch to WAL mode (journal_mode is \(mode ?? "unknown"))")
        }
        // FULL: a commit returns only after the WAL is fsync'd. NORMAL (tests only) may lose the last commits on power loss.
        try connection.execute(synchronous ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
        try connection.execute("BEGIN IMMEDIATE")
        do {
            let exists = try connection.queryOne(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'", []) { $0.int(0) }
            if exists == 0 {
                for statement in create.split(separator: ";") where !statement.allSatisfy(\.isWhitespace) {
                    try connection.execute(String(statement))
                }
            }
            // Files made before commit times were kept get the (additive) table now, with one row of time 0 that
            // marks every revision so far as committed at an unknown time.
            let hasTimes = try connection.queryOne(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'commit_times'", []) { $0.int(0) }
            if hasTimes == 0 {
                try connection.execute("CREATE TABLE commit_times (rev INTEGER PRIMARY KEY, time REAL NOT NULL)")
                try connection.execute("INSERT INTO commit_times (rev, time) SELECT current_rev, 0 FROM meta WHERE current_rev > 0")
            }
            // Files made before request timings were kept get their (nullable) columns: old rows have none.
            let hasTimings = try connection.queryOne(
                "SELECT count(*) FROM pragma_table_info('history') WHERE name = 'received'", []) { $0.int(0) }
            if hasTimings == 0 {
                for column in timingColumns { try connection.execute("ALTER TABLE history ADD COLUMN \(column) REAL") }
            }
            let found = try connection.queryOne("SELECT version FROM schema_version", []) { $0.int(0) }
            guard found == version else {
                throw StoreError.io("\(connection.path) has schema version \(found.map(String.init) ?? "none"); this build reads version \(version)")
            }
            guard let revisions = try connection.queryOne("SELECT current_rev, compacted_rev FROM meta WHERE id = 1", [], {
                (current: $0.int(0), compacted: $0.int(1))
            }) else {
                throw StoreError.io("\(connection.path) is damaged: its meta row is missing")
            }
            try connection.execute("COMMIT")
            return revisions
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// Sets up a read connection: it can never write, even by mistake.
    static func open(reader connection: SQLiteConnection) throws {
        try configure(connection)
        try connection.execute("PRAGMA query_only = ON")
    }
}
