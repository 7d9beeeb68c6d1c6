import CZeroMQ
import Foundation
import Logging

/// The thread that owns a `RequestServer`'s ROUTER socket. Each turn: poll (socket unless at the cap, mailbox)
/// → take the handlers' replies and send them → read requests and start a handler task for each.
///
/// The thread only parses the envelope (identity and request id); the JSON header is decoded in the handler's
/// task, so that work spreads over all cores instead of serialising on this thread.
final class RequestServerLoop {
    private let socket: ZMQSocket
    private let mailbox: ZMQMailbox<RequestServerCommand>
    private let control: RequestServerControl
    private let handler: RequestServer.Handler
    private let options: RequestServerOptions
    private let endpoint: String
    private let logger: Logger

    private var inFlight = 0
    /// Set by `shutdown()`: handlers in flight may run until then.
    private var drainDeadline: ContinuousClock.Instant?
    /// Set once drained: the socket closes then (see `RequestServerOptions.closeGrace`).
    private var closeTime: ContinuousClock.Instant?
    private var commands: [RequestServerCommand] = []

    init(socket: ZMQSocket, mailbox: ZMQMailbox<RequestServerCommand>, control: RequestServerControl,
         handler: @escaping RequestServer.Handler, options: RequestServerOptions, endpoint: String, logger: Logger) {
        self.socket = socket
        self.mailbox = mailbox
        self.control = control
        self.handler = handler
        self.options = options
        self.endpoint = endpoint
        self.logger = logger
    }

    func run() -> Result<Void, MessagingError> {
        var items = [
            zmq_pollitem_t(socket: socket.handle, fd: -1, events: 0, revents: 0),
            zmq_pollitem_t(socket: nil, fd: mailbox.fd, events: Int16(ZMQ_POLLIN), revents: 0),
        ]
        var result = Result<Void, MessagingError>.success(())
        do {
            while !isDone(now: .now) {
                // While draining, reading continues (beyond the cap): those requests only get a 503.
                let reading = inFlight < options.maxInFlight || drainDeadline != nil
                items[0].events = reading ? Int16(ZMQ_POLLIN) : 0
                _ = try ZMQPoll.poll(&items, milliseconds: ZMQPoll.timeout(until: closeTime ?? drainDeadline, now: .now))
                if items[1].revents != 0 { try sendReplies() }
                if reading { try receiveRequests() }
            }
        } catch {
            logger.error("request server on \(endpoint) failed: \(error.message)")
            result = .failure(error)
        }
        let lost = mailbox.close().count { if case .reply = $0 { true } else { false } } + inFlight
        if lost > 0 { logger.warning("request server on \(endpoint) stopped with \(lost) requests unanswered") }
        socket.close()
        return result
    }

    /// Walks the shutdown: serving → draining (until no handler runs, or the drain timeout) → close grace → done.
    private func isDone(now: ContinuousClock.Instant) -> Bool {
        if drainDeadline == nil && control.isStopping.load(ordering: .sequentiallyConsistent) {
            drainDeadline = now + options.drainTimeout
            logger.info("request server on \(endpoint) shutting down; answering \(inFlight) requests in flight")
        }
        guard let drainDeadline else { return false }
        if let closeTime { return now >= closeTime }
        guard inFlight == 0 || now >= drainDeadline else { return false }
        if inFlight > 0 {
            logger.warning("request server on \(endpoint): \(inFlight) requests still running after \(options.drainTimeout); closing")
        }
        closeTime = now + options.closeGrace
        return options.closeGrace <= .zero
    }

    private func sendReplies() throws(MessagingError) {
        mailbox.take(into: &commands)
        for command in commands {
            guard case .reply(let identity, let id, let response) = command else { continue }
            inFlight -= 1
            try send(to: identity, id: id, response)
        }
        commands.removeAll(keepingCapacity: true)
    }

    private func send(to identity: Data, id: UInt64, _ response: Response) throws(MessagingError) {
        let frames = [identity, Wire.tagFrame, Wire.idFrame(id), Wire.codeFrame(response.code), response.body]
        switch try socket.send(frames) {
        case .sent:
            break
        case .unroutable:
            logger.debug("reply \(id) dropped: its client disconnected")
        case .wouldBlock:
            // The client has 'highWaterMark' replies it does not read. Blocking here would stall every client.
            logger.warning("reply \(id) dropped: its client is not reading (\(options.highWaterMark) replies queued)")
        }
    }

    private func receiveRequests() throws(MessagingError) {
        // Bounded per turn so that replies keep flowing under a flood of requests.
        for _ in 0..<4096 where inFlight < options.maxInFlight || drainDeadline != nil {
            guard var frames = try socket.receive() else { return }
            let identity = frames.removeFirst()
            guard let id = Wire.requestID(frames) else {
                logger.warning("dropping a malformed request without a request id (\(frames.count) frames) on \(endpoint)")
                continue
            }
            if control.isStopping.load(ordering: .sequentiallyConsistent) {
                try send(to: identity, id: id, .status(503, reason: "ServiceUnavailable", message: "the server at \(endpoint) is shutting down"))
                continue
            }
            inFlight += 1
            let (handler, mailbox) = (handler, mailbox)
            Task {
                let response: Response
                do throws(MessagingError) {
                    let request = try Wire.decodeRequest(frames).request
                    response = await handler(request)
                } catch {
                    response = .status(400, reason: "BadRequest", message: error.message)
                }
                mailbox.post(.reply(identity: identity, id: id, response: response))
            }
        }
    }
}
