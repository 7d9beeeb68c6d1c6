import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An nftables backend that runs transactions in-process through libnftables (loaded with dlopen, so nothing
/// links against it), with one nft context and one netlink socket for the proxier's lifetime.
///
/// Why: `nft -f` per sync pays a fork+exec, and, after a transaction that deletes set elements, its exit waits
/// for an RCU grace period (closing the netlink socket flushes nf_tables' destroy work, which calls
/// `synchronize_rcu`): 13–24 ms for a one-element delete against 5 ms for an add, measured on kernel 6.18. A
/// long-lived context pays neither; the kernel frees the elements in the background.
///
/// The context's socket belongs to the network namespace of the thread that creates it: with `netns`, that
/// thread enters `/var/run/netns/NAME` first (tests and benchmarks; the real proxy runs inside its node's
/// namespace); every call runs on that thread, one at a time. Listing the table still uses `NFTCommand`.
public final class NFTLibrary: NFTablesBackend, @unchecked Sendable {
    private typealias New = @convention(c) (UInt32) -> OpaquePointer?
    private typealias Buffer = @convention(c) (OpaquePointer?) -> Int32
    private typealias GetBuffer = @convention(c) (OpaquePointer?) -> UnsafePointer<CChar>?
    private typealias Run = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Int32
    private typealias Free = @convention(c) (OpaquePointer?) -> Void

    /// The functions, looked up once.
    private struct Library: @unchecked Sendable {
        var new: New, bufferError: Buffer, bufferOutput: Buffer, errors: GetBuffer, run: Run, free: Free

        init?() {
            guard let handle = dlopen("libnftables.so.1", RTLD_NOW),
                  let new = dlsym(handle, "nft_ctx_new"), let bufferError = dlsym(handle, "nft_ctx_buffer_error"),
                  let bufferOutput = dlsym(handle, "nft_ctx_buffer_output"), let errors = dlsym(handle, "nft_ctx_get_error_buffer"),
                  let run = dlsym(handle, "nft_run_cmd_from_buffer"), let free = dlsym(handle, "nft_ctx_free") else { return nil }
            self.new = unsafeBitCast(new, to: New.self)
            self.bufferError = unsafeBitCast(bufferError, to: Buffer.self)
            self.bufferOutput = unsafeBitCast(bufferOutput, to: Buffer.self)
            self.errors = unsafeBitCast(errors, to: GetBuffer.self)
            self.run = unsafeBitCast(run, to: Run.self)
            self.free = unsafeBitCast(free, to: Free.self)
        }
    }

    /// Jobs for the worker thread, which owns the context (and so the socket) from creation to `deinit`.
    private final class Worker: @unchecked Sendable {
        let lock = NSLock()
        var jobs: [(OpaquePointer) -> Bool] = []
        let wake = DispatchSemaphore(value: 0)

        func submit(_ job: @escaping (OpaquePointer) -> Bool) {
            lock.withLock { jobs.append(job) }
            wake.signal()
        }

        /// Runs jobs until one returns false.
        func loop(_ context: OpaquePointer) {
            while true {
                wake.wait()
                guard let job = lock.withLock({ jobs.isEmpty ? nil : jobs.removeFirst() }) else { continue }
                if !job(context) { return }
            }
        }
    }

    private let library: Library
    private let worker = Worker()
    private let lister: NFTCommand

    /// Nil when libnftables (libnftables.so.1) cannot be loaded, or `netns` cannot be entered.
    public init?(netns: String? = nil) {
        guard let library = Library() else { return nil }
        self.library = library
        lister = NFTCommand(netns: netns)
        let started = DispatchSemaphore(value: 0)
        final class Flag: @unchecked Sendable { var ok = false }
        let flag = Flag()
        let worker = self.worker
        let thread = Thread {
            if let netns {
                let fd = open("/var/run/netns/\(netns)", O_RDONLY)
                let setns = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "setns").map {
                    unsafeBitCast($0, to: (@convention(c) (Int32, Int32) -> Int32).self)
                }
                let entered = fd >= 0 && setns?(fd, 0x4000_0000 /* CLONE_NEWNET */) == 0
                if fd >= 0 { close(fd) }
                guard entered else { started.signal(); return }
            }
            guard let context = library.new(0) else { started.signal(); return }  // NFT_CTX_DEFAULT
            _ = library.bufferError(context)
            _ = library.bufferOutput(context)
            flag.ok = true
            started.signal()
            worker.loop(context)
            library.free(context)
        }
        thread.start()
        started.wait()
        guard flag.ok else { return nil }
    }

    deinit {
        worker.submit { _ in false }
    }

    public func run(_ transaction: String) async throws(DataplaneError) {
        let library = self.library
        let failure: String? = await withCheckedContinuation { continuation in
            worker.submit { context in
                let status = transaction.withCString { library.run(context, $0) }
                continuation.resume(returning: status == 0 ? nil : library.errors(context).map { String(cString: $0) } ?? "")
                return true
            }
        }
        if let failure {
            throw DataplaneError(code: .commandFailed(status: 1), command: ["libnftables", "nft_run_cmd_from_buffer"], stderr: failure)
        }
    }

    public func list(table: String) async throws(DataplaneError) -> NFTablesTableContents {
        try await lister.list(table: table)
    }
}
