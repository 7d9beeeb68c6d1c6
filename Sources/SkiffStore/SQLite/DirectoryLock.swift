#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// An exclusive flock on DIR/skiff.lock, held while a store is open. The writer keeps the revision in memory, so two
/// stores writing one database (a second apiserver on the same data directory, or a second `SQLiteStore` in this
/// process) would hand out the same revisions; this makes the second one fail to open instead.
final class DirectoryLock: Sendable {
    private let descriptor: Mutex<Int32?>

    init(path: String) throws {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StoreError.io("cannot open lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = close(fd)
            throw StoreError.io("\(path) is locked (\(reason)): another store has this data directory open; is another apiserver running on it?")
        }
        descriptor = Mutex(fd)
    }

    /// Makes the directory's entries (a newly created skiff.db) durable. SQLite syncs the directory when it creates the
    /// WAL, not when it creates the database file.
    static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError.io("cannot open directory \(path): \(String(cString: strerror(errno)))") }
        defer { _ = close(fd) }
        guard fsync(fd) == 0 else { throw StoreError.io("cannot fsync directory \(path): \(String(cString: strerror(errno)))") }
    }

    /// Releases the lock. Idempotent.
    func release() {
        if let fd = descriptor.withLock({ fd in defer { fd = nil }; return fd }) {
            _ = close(fd)
        }
    }

    deinit { release() }
}
