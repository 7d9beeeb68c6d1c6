import Foundation
import Synchronization

/// The audit log (`--audit-log PATH`): one JSON line per request, as Kubernetes' log backend writes (a flat
/// subset of its audit.Event: time, user, groups, verb, resource, namespace, name, decision, code).
///
/// Requests never touch the file: `record` appends the encoded line to a buffer under a short lock; one writer
/// thread moves the buffer to the file at least every `flushInterval` (1 s), sooner when 256 KiB are waiting, and
/// a last time on `close`. When the file would pass `maxBytes` it is renamed to PATH.1 (replacing an older one)
/// and a new file begins, as Kubernetes' --audit-log-maxsize with --audit-log-maxbackup=1.
public final class AuditLog: Sendable {
    public let path: String
    let maxBytes: Int
    let flushInterval: Duration
    private static let eagerFlushBytes = 256 * 1024

    private struct Buffer { var pending: [UInt8] = []; var closed = false }
    private let buffer = Mutex(Buffer())
    private let wake = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    /// Opens (appends to) PATH and starts the writer thread. `maxSizeMB` 0 never rotates.
    public convenience init(path: String, maxSizeMB: Int, flushInterval: Duration = .seconds(1)) throws {
        try self.init(path: path, maxBytes: maxSizeMB * 1024 * 1024, flushInterval: flushInterval)
    }

    init(path: String, maxBytes: Int, flushInterval: Duration) throws {
        self.path = path
        self.maxBytes = maxBytes
        self.flushInterval = flushInterval
        let file = try AuditFile(path: path)
        let thread = Thread { [self] in self.writerLoop(file) }
        thread.name = "audit-log"
        thread.start()
    }

    /// Appends one event; never blocks on I/O.
    public func record(_ event: AuditEvent) {
        var line = event.jsonLine()
        let size = buffer.withLock { buffer -> Int in
            guard !buffer.closed else { return 0 }
            buffer.pending.append(contentsOf: line)
            return buffer.pending.count
        }
        line.removeAll()
        if size >= Self.eagerFlushBytes { wake.signal() }
    }

    /// Writes what is buffered and stops the writer; later records are dropped.
    public func close() {
        let wasOpen = buffer.withLock { buffer in
            defer { buffer.closed = true }
            return !buffer.closed
        }
        guard wasOpen else { return }
        wake.signal()
        done.wait()
    }

    private func writerLoop(_ file: AuditFile) {
        var file = file
        let timeout = Double(flushInterval.components.seconds) + Double(flushInterval.components.attoseconds) / 1e18
        while true {
            _ = wake.wait(timeout: .now() + timeout)
            let (bytes, closed) = buffer.withLock { buffer in
                defer { buffer.pending.removeAll(keepingCapacity: true) }
                return (buffer.pending, buffer.closed)
            }
            if !bytes.isEmpty { file.write(bytes, maxBytes: maxBytes) }
            if closed { break }
        }
        file.close()
        done.signal()
    }
}

/// The file behind an `AuditLog`, owned by its writer thread.
struct AuditFile {
    let path: String
    private var handle: FileHandle
    private(set) var size: Int

    init(path: String) throws {
        self.path = path
        (handle, size) = try Self.open(path)
    }

    private static func open(_ path: String) throws -> (FileHandle, Int) {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let size = Int(try handle.seekToEnd())
        return (handle, size)
    }

    /// Appends whole lines; rotates first when they would take the file past `maxBytes` (0: never).
    mutating func write(_ bytes: [UInt8], maxBytes: Int) {
        if maxBytes > 0, size > 0, size + bytes.count > maxBytes { rotate() }
        do {
            try handle.write(contentsOf: bytes)
            size += bytes.count
        } catch {
            FileHandle.standardError.write(Data("audit log \(path): write failed: \(error)\n".utf8))
        }
    }

    private mutating func rotate() {
        try? handle.close()
        let backup = path + ".1"
        try? FileManager.default.removeItem(atPath: backup)
        do {
            try FileManager.default.moveItem(atPath: path, toPath: backup)
            (handle, size) = try Self.open(path)
        } catch {
            FileHandle.standardError.write(Data("audit log \(path): rotation failed: \(error)\n".utf8))
            if let reopened = try? Self.open(path) { (handle, size) = reopened }
        }
    }

    func close() {
        try? handle.synchronize()
        try? handle.close()
    }
}
