import CSQLite
import Foundation

/// A value bound to a statement parameter.
enum SQLValue {
    case int(Int64)
    case double(Double)
    case text(String)
    case blob(Data)
    case null
}

/// One sqlite3 connection and its cached prepared statements.
///
/// Thread rule: NOT thread-safe, and opened with SQLITE_OPEN_NOMUTEX. Each instance is used by one thread at a time:
/// the write connection only by the writer thread, each read connection only by the reader thread that owns it. The
/// `@unchecked Sendable` exists only to hand a connection to its thread, and that rule is what makes it sound.
final class SQLiteConnection: @unchecked Sendable {
    let path: String
    private var db: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]

    /// Opens (and with `create`, creates) the database file at `path`.
    init(path: String, create: Bool, busyTimeout: Duration) throws {
        self.path = path
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close_v2(handle)
            throw StoreError.io("cannot open \(path): \(message)")
        }
        db = handle
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, Int32(clamping: busyTimeout.components.seconds * 1000))
    }

    deinit { close() }

    /// Finalizes every statement and closes the connection. Idempotent.
    func close() {
        for statement in statements.values { sqlite3_finalize(statement) }
        statements = [:]
        if let db { sqlite3_close_v2(db) }
        db = nil
    }

    /// True outside a transaction. SQLite rolls a whole transaction back by itself after some errors (SQLITE_FULL,
    /// SQLITE_IOERR, SQLITE_NOMEM); the writer checks this to notice.
    var isAutocommit: Bool { db.map { sqlite3_get_autocommit($0) != 0 } ?? true }

    /// Runs `sql` to completion, ignoring any rows.
    func execute(_ sql: String, _ values: SQLValue...) throws {
        try query(sql, values) { _ in }
    }

    /// Runs `sql` and calls `row` for every result row. The row is only valid inside the call.
    func query(_ sql: String, _ values: [SQLValue], row: (SQLiteRow) throws -> Void) throws {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        try bind(values, to: statement, sql: sql)
        while true {
            let rc = sqlite3_step(statement)
            switch rc {
            case SQLITE_ROW: try row(SQLiteRow(statement: statement))
            case SQLITE_DONE: return
            default: throw failure(rc, doing: sql)
            }
        }
    }

    /// The first row of `sql` mapped by `transform`, or nil when there is none.
    func queryOne<T>(_ sql: String, _ values: [SQLValue], _ transform: (SQLiteRow) throws -> T) throws -> T? {
        var result: T?
        try query(sql, values) { row in
            if result == nil { result = try transform(row) }
        }
        return result
    }

    /// Runs `body` in a read transaction, so every query in it sees one snapshot (WAL readers never block on the
    /// writer, and the writer never waits for them).
    func readTransaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN DEFERRED")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// An .io error that says what failed, why and in which file.
    func failure(_ rc: Int32, doing what: String) -> StoreError {
        let detail = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
        let statement = what.split(separator: "\n").first.map(String.init) ?? what
        return .io("sqlite error \(rc) (\(detail)) in \(path) while running: \(statement)")
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        guard let db else { throw StoreError.closed }
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw failure(rc, doing: sql) }
        statements[sql] = statement
        return statement
    }

    private func bind(_ values: [SQLValue], to statement: OpaquePointer, sql: String) throws {
        // SQLITE_TRANSIENT: SQLite copies the bytes, so they need not outlive this call.
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .int(let number):
                rc = sqlite3_bind_int64(statement, index, number)
            case .double(let number):
                rc = sqlite3_bind_double(statement, index, number)
            case .text(let text):
                rc = sqlite3_bind_text(statement, index, text, -1, transient)
            case .blob(let data) where data.isEmpty:
                rc = sqlite3_bind_zeroblob(statement, index, 0)  // a nil pointer would bind NULL, not an empty blob
            case .blob(let data):
                rc = data.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), transient) }
            case .null:
                rc = sqlite3_bind_null(statement, index)
            }
            guard rc == SQLITE_OK else { throw failure(rc, doing: sql) }
        }
    }
}

/// The current result row of a statement; valid only inside the `query` callback that received it.
struct SQLiteRow {
    fileprivate let statement: OpaquePointer

    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

    func double(_ column: Int32) -> Double { sqlite3_column_double(statement, column) }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

    func text(_ column: Int32) -> String {
        guard let bytes = sqlite3_column_text(statement, column) else { return "" }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    func blob(_ column: Int32) -> Data {
        guard let bytes = sqlite3_column_blob(statement, column) else { return Data() }
        return Data(bytes: bytes, count: Int(sqlite3_column_bytes(statement, column)))
    }
}
