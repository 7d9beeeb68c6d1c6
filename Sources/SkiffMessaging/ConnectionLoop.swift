import CZeroMQ
import Foundation
import Logging

/// The thread that owns a `Connection`'s DEALER socket. Each turn: poll (socket, mailbox) until the earliest
/// deadline → expire calls → take all posted commands → send what can be sent → receive all replies.
///
/// Everything here is confined to that thread, so it needs no locks; callers reach it only through the mailbox.
final class ConnectionLoop {
    private struct Entry {
        let continuation: ConnectionCall.Continuation
        let timeout: Duration
        /// The request's frames until it is sent, then empty (a large body is not kept until the reply).
        var frames: [Data]
        var sent = false
    }

    /// After this many failed handshakes in a row (ZeroMQ retries with backoff: about 0.7 s) calls waiting for a
    /// connection fail at once with the reason, and so do new ones until a handshake succeeds. One failure is
    /// not enough: a server restarting mid-handshake causes one too. A protocol or authentication failure counts
    /// as all of them: libzmq does not reconnect after one, so the connection is dead for good.
    static let handshakeFailuresBeforeFailing = 3

    private let socket: ZMQSocket
    private let monitor: ZMQMonitor
    private let curve: Bool
    private let mailbox: ZMQMailbox<ConnectionCommand>
    private let endpoint: String
    private let counters: ConnectionCounters
    private let logger: Logger

    private var calls: [UInt64: Entry] = [:]
    /// Ids waiting for a connection, oldest first, from `unsentHead` on. Ids of calls that ended meanwhile stay
    /// until they reach the head; they are skipped there.
    private var unsent: [UInt64] = []
    private var unsentHead = 0
    private var deadlines = ConnectionDeadlines()
    private var commands: [ConnectionCommand] = []
    private var isRunning = true
    private var failure: MessagingError?
    /// Failed handshakes since the last one that succeeded, and what the last one reported.
    private var handshakeFailures = 0
    private var handshakeError: MessagingError?

    init(socket: ZMQSocket, monitor: ZMQMonitor, curve: Bool, mailbox: ZMQMailbox<ConnectionCommand>, endpoint: String,
         counters: ConnectionCounters, logger: Logger) {
        self.socket = socket
        self.monitor = monitor
        self.curve = curve
        self.mailbox = mailbox
        self.endpoint = endpoint
        self.counters = counters
        self.logger = logger
    }

    func run() {
        var items = [
            zmq_pollitem_t(socket: socket.handle, fd: -1, events: 0, revents: 0),
            zmq_pollitem_t(socket: nil, fd: mailbox.fd, events: Int16(ZMQ_POLLIN), revents: 0),
            zmq_pollitem_t(socket: monitor.socket.handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0),
        ]
        while isRunning {
            expireCalls(now: .now)
            // POLLOUT only while something waits for a connection; otherwise a writable socket would spin the loop.
            items[0].events = Int16(ZMQ_POLLIN) | (unsentHead < unsent.count ? Int16(ZMQ_POLLOUT) : 0)
            do {
                _ = try ZMQPoll.poll(&items, milliseconds: ZMQPoll.timeout(until: deadlines.next, now: .now))
            } catch {
                stop(error)
                break
            }
            if items[2].revents != 0 { takeHandshakeEvents() }
            if items[1].revents != 0 { takeCommands() }
            sendUnsent()
            receiveReplies()
        }
        finish()
    }

    private func takeCommands() {
        mailbox.take(into: &commands)
        let now = ContinuousClock.now
        for command in commands {
            switch command {
            case .send(let call): start(call, now: now)
            case .cancel(let id): cancel(id)
            case .close: isRunning = false
            }
        }
        commands.removeAll(keepingCapacity: true)
    }

    private func start(_ call: ConnectionCall, now: ContinuousClock.Instant) {
        if call.cancellation.isCancelled.load(ordering: .sequentiallyConsistent) {
            call.continuation.resume(returning: .failure(Self.cancelledError(endpoint, sent: false)))
            return
        }
        if handshakeFailures >= Self.handshakeFailuresBeforeFailing, let handshakeError {
            call.continuation.resume(returning: .failure(handshakeError))
            return
        }
        var entry = Entry(continuation: call.continuation, timeout: call.timeout, frames: call.frames)
        // Keep the order of requests: send directly only when nothing older waits for the connection.
        if unsentHead == unsent.count && send(entry.frames) {
            entry.sent = true
            entry.frames = []
        } else {
            unsent.append(call.id)
        }
        calls[call.id] = entry
        deadlines.insert(call.id, at: now + call.timeout)
    }

    private func cancel(_ id: UInt64) {
        guard let entry = calls.removeValue(forKey: id) else { return }  // already answered or expired
        entry.continuation.resume(returning: .failure(Self.cancelledError(endpoint, sent: entry.sent)))
    }

    private func sendUnsent() {
        while unsentHead < unsent.count {
            let id = unsent[unsentHead]
            if let frames = calls[id].flatMap({ $0.sent ? nil : $0.frames }) {
                guard send(frames) else { break }
                calls[id]?.sent = true
                calls[id]?.frames = []
            }
            unsentHead += 1
        }
        if unsentHead == unsent.count {
            unsent.removeAll(keepingCapacity: true)
            unsentHead = 0
        } else if unsentHead > 1024 && unsentHead * 2 > unsent.count {
            unsent.removeFirst(unsentHead)
            unsentHead = 0
        }
    }

    /// True when sent; false when there is no connection (EAGAIN under ZMQ_IMMEDIATE) or the loop failed.
    private func send(_ frames: [Data]) -> Bool {
        guard isRunning else { return false }
        do {
            return try socket.send(frames) == .sent
        } catch {
            stop(error)
            return false
        }
    }

    private func takeHandshakeEvents() {
        let events: [ZMQMonitor.Event]
        do { events = try monitor.take() } catch { stop(error); return }
        for event in events {
            switch event {
            case .succeeded:
                handshakeFailures = 0
                handshakeError = nil
            case .failed(_, let reason, let final):
                handshakeFailures = final ? max(handshakeFailures + 1, Self.handshakeFailuresBeforeFailing) : handshakeFailures + 1
                let message = curve
                    ? "CURVE handshake with \(endpoint) failed (wrong server key?): \(reason)"
                    : "handshake with \(endpoint) failed (does the apiserver use CURVE? give its public key: --server-key or `server-key:` in the config): \(reason)"
                if handshakeError?.message != message { logger.error("\(message)") }
                handshakeError = MessagingError(.unreachable, message + "; the request was not sent")
            }
        }
        guard handshakeFailures >= Self.handshakeFailuresBeforeFailing, let handshakeError else { return }
        // Every call waiting for a connection was provably not sent: fail it now with the reason.
        for id in unsent[unsentHead...] {
            guard let entry = calls[id], !entry.sent else { continue }
            calls[id] = nil
            entry.continuation.resume(returning: .failure(handshakeError))
        }
        unsent.removeAll(keepingCapacity: true)
        unsentHead = 0
    }

    private func receiveReplies() {
        // Bounded per turn so that commands and deadlines are served even under a flood of replies.
        for _ in 0..<4096 where isRunning {
            let frames: [Data]?
            do { frames = try socket.receive() } catch { stop(error); return }
            guard let frames else { return }
            let reply: (id: UInt64, response: Response)
            do {
                reply = try Wire.decodeReply(frames)
            } catch {
                logger.warning("dropping a reply from \(endpoint): \(error.message)")
                continue
            }
            if let entry = calls.removeValue(forKey: reply.id) {
                entry.continuation.resume(returning: .success(reply.response))
            } else {
                counters.droppedReplies.add(1, ordering: .relaxed)
            }
        }
    }

    private func expireCalls(now: ContinuousClock.Instant) {
        while let id = deadlines.popExpired(now: now) {
            guard let entry = calls.removeValue(forKey: id) else { continue }
            let seconds = Self.format(entry.timeout)
            let error = entry.sent
                ? MessagingError(.timeout, "no reply from \(endpoint) within \(seconds); the request may or may not have been applied")
                : handshakeError ?? MessagingError(.unreachable, "no connection to \(endpoint) within \(seconds); is the apiserver running?")
            entry.continuation.resume(returning: .failure(error))
        }
        if deadlines.count > 2 * calls.count + 1024 {
            deadlines.compact { calls[$0] != nil }
        }
    }

    private func stop(_ error: MessagingError) {
        logger.error("connection to \(endpoint) failed: \(error.message)")
        failure = error
        isRunning = false
    }

    /// Ends every call still waiting, refuses new ones and closes the socket.
    private func finish() {
        for command in mailbox.close() {
            if case .send(let call) = command {
                call.continuation.resume(returning: .failure(closedError(sent: false)))
            }
        }
        for (_, entry) in calls {
            entry.continuation.resume(returning: .failure(closedError(sent: entry.sent)))
        }
        calls = [:]
        socket.close()
        monitor.close()
    }

    private func closedError(sent: Bool) -> MessagingError {
        var error = Self.closedError(endpoint, sent: sent)
        if let failure { error.message += " (\(failure.message))" }
        return error
    }

    static func closedError(_ endpoint: String, sent: Bool) -> MessagingError {
        MessagingError(.closed, sent
            ? "connection to \(endpoint) closed before the reply; the request may or may not have been applied"
            : "connection to \(endpoint) is closed; the request was not sent")
    }

    static func cancelledError(_ endpoint: String, sent: Bool) -> MessagingError {
        MessagingError(.cancelled, sent
            ? "request to \(endpoint) cancelled after it was sent; it may or may not have been applied"
            : "request to \(endpoint) cancelled before it was sent")
    }

    /// "10s", "0.25s".
    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        var text = String(format: "%.3f", Double(milliseconds) / 1000)
        while text.hasSuffix("0") { text.removeLast() }
        return text + "s"
    }
}
