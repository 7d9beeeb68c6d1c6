import Foundation

/// Frames of one request/reply exchange on the request socket. Each message is one ZeroMQ multipart message;
/// the ROUTER adds (on receive) and strips (on send) the identity frame in front, so neither side sees it here.
///
///     request, DEALER -> ROUTER:  ["SKIFF/1", request id, header, body]
///     reply,   ROUTER -> DEALER:  ["SKIFF/1", request id, status code, body]
///
/// - `"SKIFF/1"`: the protocol tag, these 7 ASCII bytes exactly.
/// - request id: 8 bytes, an unsigned integer in big-endian order. The client picks it, unique among its own
///   requests (Skiff's client counts up from 1 per connection); the server echoes it unchanged so the client can
///   match replies to requests, which may come back in any order.
/// - header: a UTF-8 JSON object
///   `{"verb":"list","resource":"services","namespace":"default","name":"","token":null,"params":{"labelSelector":"app=web"}}`.
///   `verb` is one of create, get, list, update, update-status, delete, apply, discover (required);
///   `resource` (plural), `namespace` and `name` are strings, "" when not applicable; `token` is the bearer token
///   or null; `params` maps strings to strings. Missing keys read as ""/null/{}; unknown keys are ignored.
/// - status code: ASCII decimal digits, e.g. `200`.
/// - body: raw bytes, possibly empty (JSON for the apiserver).
///
/// Malformed requests: when the second frame is 8 bytes (a readable request id), the server replies
/// 400 with a Kubernetes `Status` body saying what is wrong; otherwise it drops the message and logs it.
/// A client drops replies it cannot parse and replies whose id it no longer waits for (timed out or cancelled).
public enum Wire {
    /// The protocol tag, the first frame of every message.
    public static let protocolTag = "SKIFF/1"

    static let tagFrame = Data(protocolTag.utf8)

    /// The frames of a request.
    public static func encodeRequest(id: UInt64, _ request: Request) -> [Data] {
        [tagFrame, idFrame(id), WireHeader.encode(request), request.body]
    }

    /// Parses the frames of a request (without the identity frame).
    public static func decodeRequest(_ frames: [Data]) throws(MessagingError) -> (id: UInt64, request: Request) {
        let id = try checkEnvelope(frames, kind: "request", thirdFrame: "header")
        var request = try WireHeader.decode(frames[2])
        request.body = frames[3]
        return (id, request)
    }

    /// The id of a request whose other frames may be malformed: present when the second frame is 8 bytes.
    public static func requestID(_ frames: [Data]) -> UInt64? {
        frames.count >= 2 ? readID(frames[1]) : nil
    }

    /// The frames of a reply.
    public static func encodeReply(id: UInt64, _ response: Response) -> [Data] {
        [tagFrame, idFrame(id), codeFrame(response.code), response.body]
    }

    /// Parses the frames of a reply.
    public static func decodeReply(_ frames: [Data]) throws(MessagingError) -> (id: UInt64, response: Response) {
        let id = try checkEnvelope(frames, kind: "reply", thirdFrame: "status code")
        let digits = frames[2]
        guard (1...9).contains(digits.count), digits.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw .malformed("reply \(id): the status code frame is not 1 to 9 ASCII digits (\(describe(digits)))")
        }
        let code = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        return (id, Response(code: code, body: frames[3]))
    }

    static func idFrame(_ id: UInt64) -> Data {
        withUnsafeBytes(of: id.bigEndian) { Data($0) }
    }

    static func codeFrame(_ code: Int) -> Data {
        Data(String(code).utf8)
    }

    private static func readID(_ frame: Data) -> UInt64? {
        guard frame.count == 8 else { return nil }
        return frame.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Checks the frame count, the tag and the id; returns the id.
    private static func checkEnvelope(_ frames: [Data], kind: String, thirdFrame: String) throws(MessagingError) -> UInt64 {
        guard frames.count == 4 else {
            throw .malformed("a \(kind) has 4 frames (tag, id, \(thirdFrame), body), got \(frames.count)")
        }
        guard let id = readID(frames[1]) else {
            throw .malformed("the \(kind) id frame must be 8 bytes, got \(frames[1].count)")
        }
        guard frames[0] == tagFrame else {
            throw .malformed("\(kind) \(id): unsupported protocol \(describe(frames[0])), expected \(protocolTag)")
        }
        return id
    }

    /// A short printable rendering of a frame for error messages.
    static func describe(_ frame: Data) -> String {
        let text = String(decoding: frame.prefix(32), as: UTF8.self)
        return "\"\(text)\(frame.count > 32 ? "…" : "")\""
    }
}
