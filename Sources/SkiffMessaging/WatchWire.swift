import Foundation
import SkiffJSON

/// The type of a watch message. Raw values are the wire spelling.
public enum WatchEventType: String, Sendable, CaseIterable {
    case added = "ADDED", modified = "MODIFIED", deleted = "DELETED", bookmark = "BOOKMARK"
}

/// One message of the watch socket, decoded. See `WatchWire` for the meaning of each field.
public struct WatchMessage: Sendable, Equatable {
    public var topic: WatchTopic
    public var type: WatchEventType
    /// An event's revision (for DELETED, the deletion's); a bookmark's: the last revision published when it was sent.
    public var revision: Int64
    /// The revision of the event published before this one on the same kind (any namespace); for a bookmark, the
    /// kind's last event revision ("head").
    public var previousOnKind: Int64
    /// The same on the message's topic: the kind in one namespace (for a kind-wide bookmark, the kind).
    public var previousOnTopic: Int64
    /// The publisher's epoch: random, chosen when the apiserver starts.
    public var epoch: UInt64
    /// The object's JSON (for DELETED, its last stored version); a bookmark's small JSON body.
    public var object: Data

    public init(topic: WatchTopic, type: WatchEventType, revision: Int64, previousOnKind: Int64, previousOnTopic: Int64,
                epoch: UInt64, object: Data) {
        self.topic = topic
        self.type = type
        self.revision = revision
        self.previousOnKind = previousOnKind
        self.previousOnTopic = previousOnTopic
        self.epoch = epoch
        self.object = object
    }
}

/// A watch topic, and the subscription prefix that selects it: `<plural>/<namespace>/` for one namespace
/// (`<plural>//` for a cluster-scoped kind's objects), `<plural>/` for a whole kind.
///
/// Both forms end with `/`, so a prefix never selects another kind: `endpoints/` does not match
/// `endpointslices/default/`. Names and namespaces cannot contain `/`, so the parse is unambiguous.
public struct WatchTopic: Sendable, Hashable, CustomStringConvertible {
    public var resource: String
    /// nil: the whole kind (a subscription prefix, or a kind-wide bookmark); "" a cluster-scoped object's topic.
    public var namespace: String?

    public init(resource: String, namespace: String?) {
        self.resource = resource
        self.namespace = namespace
    }

    /// `services/default/`, `namespaces//`, `services/`.
    public var description: String {
        namespace.map { "\(resource)/\($0)/" } ?? "\(resource)/"
    }

    public var bytes: Data { Data(description.utf8) }

    /// Parses a topic frame or a subscription prefix; nil for anything else (an empty prefix, a partial name).
    public init?(_ bytes: Data) {
        let parsed: WatchTopic? = bytes.withUnsafeBytes { raw in
            let slash = UInt8(ascii: "/")
            guard raw.count >= 2, raw[raw.count - 1] == slash, let first = raw.firstIndex(of: slash), first > 0 else { return nil }
            let resource = String(decoding: UnsafeRawBufferPointer(rebasing: raw[..<first]), as: UTF8.self)
            if first == raw.count - 1 { return WatchTopic(resource: resource, namespace: nil) }
            let rest = UnsafeRawBufferPointer(rebasing: raw[(first + 1)..<(raw.count - 1)])
            guard !rest.contains(slash) else { return nil }
            return WatchTopic(resource: resource, namespace: String(decoding: rest, as: UTF8.self))
        }
        guard let parsed else { return nil }
        self = parsed
    }
}

/// Frames of the watch socket (the apiserver's XPUB, clients' SUB). Every message is one multipart message:
///
///     [topic, type, revision, previous on kind, previous on topic, epoch, object]
///
/// - topic: `<plural>/<namespace>/`, `<plural>//` for cluster-scoped objects (see `WatchTopic`); a bookmark is
///   sent on every prefix somebody subscribed to, so also on `<plural>/`.
/// - type: `ADDED`, `MODIFIED`, `DELETED` or `BOOKMARK`.
/// - revision, previous on kind, previous on topic: ASCII decimal. For an event, the previous revisions published
///   on its kind and on its topic; for a bookmark, the current heads of both (what the next event would carry).
///   A chain starts at the publisher's baseline (the store's revision when it started), never at 0.
/// - epoch: 16 lowercase hex digits, random per apiserver start.
/// - object: the object's JSON; for a bookmark `{"intervalMilliseconds":N}`.
///
/// Decoders ignore frames after the seventh, so later versions may append some.
public enum WatchWire {
    static let typeFrames: [WatchEventType: Data] = Dictionary(
        uniqueKeysWithValues: WatchEventType.allCases.map { ($0, Data($0.rawValue.utf8)) })

    /// The frames of one message. `topic` and `epoch` are pre-built frames (see `epochFrame`), reused by a publisher.
    public static func encode(topic: Data, type: WatchEventType, revision: Int64, previousOnKind: Int64,
                              previousOnTopic: Int64, epoch: Data, object: Data) -> [Data] {
        [topic, typeFrames[type]!, decimal(revision), decimal(previousOnKind), decimal(previousOnTopic), epoch, object]
    }

    public static func encode(_ message: WatchMessage) -> [Data] {
        encode(topic: message.topic.bytes, type: message.type, revision: message.revision,
               previousOnKind: message.previousOnKind, previousOnTopic: message.previousOnTopic,
               epoch: epochFrame(message.epoch), object: message.object)
    }

    public static func decode(_ frames: [Data]) throws(MessagingError) -> WatchMessage {
        guard frames.count >= 7 else {
            throw .malformed("a watch message has 7 frames (topic, type, revision, previous on kind, previous on topic, epoch, object), got \(frames.count)")
        }
        guard let topic = WatchTopic(frames[0]) else {
            throw .malformed("watch topic \(Wire.describe(frames[0])) is not <plural>/<namespace>/ or <plural>/")
        }
        guard let type = eventType(frames[1]) else {
            throw .malformed("watch message on \(topic): unknown type \(Wire.describe(frames[1]))")
        }
        guard let revision = parseDecimal(frames[2]), let previousOnKind = parseDecimal(frames[3]),
              let previousOnTopic = parseDecimal(frames[4]) else {
            throw .malformed("watch message on \(topic): a revision frame is not ASCII decimal digits")
        }
        guard let epoch = parseEpoch(frames[5]) else {
            throw .malformed("watch message on \(topic): the epoch frame is not 16 hex digits (\(Wire.describe(frames[5])))")
        }
        return WatchMessage(topic: topic, type: type, revision: revision, previousOnKind: previousOnKind,
                            previousOnTopic: previousOnTopic, epoch: epoch, object: frames[6])
    }

    /// 16 lowercase hex digits.
    public static func epochFrame(_ epoch: UInt64) -> Data {
        let digits = Array("0123456789abcdef".utf8)
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<16 { bytes[index] = digits[Int((epoch >> (60 - 4 * UInt64(index))) & 0xF)] }
        return Data(bytes)
    }

    /// A bookmark's object frame.
    static func bookmarkBody(interval: Duration) -> Data {
        Data(#"{"intervalMilliseconds":\#(ZMQPoll.milliseconds(interval))}"#.utf8)
    }

    /// The interval a bookmark advertises, if its body says.
    static func bookmarkInterval(_ body: Data) -> Duration? {
        struct Body: Decodable { var intervalMilliseconds: Int? }
        guard let milliseconds = (try? FastJSONDecoder.decode(Body.self, from: body))?.intervalMilliseconds,
              milliseconds > 0 else { return nil }
        return .milliseconds(milliseconds)
    }

    static func decimal(_ value: Int64) -> Data { Data(String(value).utf8) }

    static func parseDecimal(_ frame: Data) -> Int64? {
        guard (1...18).contains(frame.count) else { return nil }
        var value: Int64 = 0
        for byte in frame {
            guard (0x30...0x39).contains(byte) else { return nil }
            value = value * 10 + Int64(byte - 0x30)
        }
        return value
    }

    static func parseEpoch(_ frame: Data) -> UInt64? {
        guard frame.count == 16 else { return nil }
        var value: UInt64 = 0
        for byte in frame {
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: return nil
            }
            value = value << 4 | UInt64(digit)
        }
        return value
    }

    private static func eventType(_ frame: Data) -> WatchEventType? {
        switch frame.count {
        case 5: frame.elementsEqual("ADDED".utf8) ? .added : nil
        case 7: frame.elementsEqual("DELETED".utf8) ? .deleted : nil
        case 8: frame.elementsEqual("MODIFIED".utf8) ? .modified : (frame.elementsEqual("BOOKMARK".utf8) ? .bookmark : nil)
        default: nil
        }
    }
}
