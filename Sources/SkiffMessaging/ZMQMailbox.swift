import Foundation
import Synchronization

/// How other threads hand work to the thread that owns a socket: a Mutex-protected queue plus an eventfd the
/// owner includes in its `zmq_poll`, so a post wakes it at once. Nothing but the queue is touched under the lock.
///
/// Only a post into an empty queue writes the eventfd: later posts ride on that wake-up, and the owner takes the
/// whole queue per wake-up. The owner reads (resets) the eventfd *before* taking the queue, so a post that races
/// with a take either lands in that take or re-arms the eventfd after the reset: no command waits unseen.
final class ZMQMailbox<Command: Sendable>: Sendable {
    private struct State {
        var commands: [Command] = []
        var isClosed = false
    }

    private let state = Mutex(State())
    private let wake: ZMQWakeSignal

    /// The descriptor the owner polls for `ZMQ_POLLIN`.
    var fd: Int32 { wake.readFD }

    init() throws(MessagingError) {
        wake = try ZMQWakeSignal()
    }

    /// Queues a command and wakes the owner. Returns false, taking nothing, once the owner has closed the mailbox.
    @discardableResult
    func post(_ command: sending Command) -> Bool {
        let wasEmpty: Bool? = state.withLock { state in
            guard !state.isClosed else { return nil }
            state.commands.append(command)
            return state.commands.count == 1
        }
        guard let wasEmpty else { return false }
        if wasEmpty { wake.signal() }
        return true
    }

    /// Owner only: moves every queued command into `buffer` (which should be empty; its capacity is reused).
    func take(into buffer: inout [Command]) {
        wake.reset()
        state.withLock { swap(&$0.commands, &buffer) }
    }

    /// Owner only, when it stops: refuses further posts and returns what was still queued.
    func close() -> [Command] {
        state.withLock { state in
            state.isClosed = true
            defer { state.commands = [] }
            return state.commands
        }
    }
}

/// An eventfd (a pipe where eventfd is unavailable) used as a level-triggered "there is mail" flag.
final class ZMQWakeSignal: Sendable {
    let readFD: Int32
    private let writeFD: Int32

    private typealias EventFDFunction = @convention(c) (UInt32, Int32) -> Int32

    /// Glibc's `eventfd`, looked up at run time because Swift's Glibc module does not export <sys/eventfd.h>.
    /// Called through its C signature, so this is an ordinary C call.
    private static let eventfdFunction: EventFDFunction? = {
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "eventfd") else { return nil }
        return unsafeBitCast(symbol, to: EventFDFunction.self)
    }()

    init() throws(MessagingError) {
        // EFD_NONBLOCK and EFD_CLOEXEC have the values of O_NONBLOCK and O_CLOEXEC (sys/eventfd.h).
        if let eventfd = Self.eventfdFunction {
            let fd = eventfd(0, Int32(O_NONBLOCK | O_CLOEXEC))
            guard fd >= 0 else { throw MessagingError(.zmq, "eventfd: \(String(cString: strerror(errno)))") }
            (readFD, writeFD) = (fd, fd)
        } else {
            var fds: [Int32] = [0, 0]
            guard pipe(&fds) == 0 else { throw MessagingError(.zmq, "pipe: \(String(cString: strerror(errno)))") }
            for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            (readFD, writeFD) = (fds[0], fds[1])
        }
    }

    deinit {
        Glibc.close(readFD)
        if writeFD != readFD { Glibc.close(writeFD) }
    }

    func signal() {
        var one: UInt64 = 1
        // EAGAIN means the flag is already raised (counter or pipe full): the owner wakes either way.
        _ = withUnsafeBytes(of: &one) { write(writeFD, $0.baseAddress, readFD == writeFD ? 8 : 1) }
    }

    func reset() {
        var buffer: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        if readFD == writeFD {
            _ = withUnsafeMutableBytes(of: &buffer) { read(readFD, $0.baseAddress, 8) }
        } else {
            while withUnsafeMutableBytes(of: &buffer, { read(readFD, $0.baseAddress, $0.count) }) > 0 {}
        }
    }
}
