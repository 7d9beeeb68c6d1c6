import Foundation

/// The authorization subscription a watcher sends next to its topic subscription: `\0auth\0<token>\0<topic>`.
///
/// ZeroMQ subscriptions carry no identity, so an apiserver with authentication runs its XPUB socket in manual
/// mode: it subscribes a connection to a topic itself, and only when that connection sent this message with a
/// token that may `list` and `watch` the topic's kind and namespace (docs/WATCH.md, "Authorization"). The
/// subscriber's own subscription to the topic is what lets the events through its local SUB filter; the
/// apiserver ignores it. No topic starts with a zero byte, so this prefix never matches a message.
public struct WatchSubscription: Sendable, Hashable {
    static let marker = Data("\0auth\0".utf8)

    /// "" when the watcher has none (an anonymous watcher, or a cluster without authentication).
    public var token: String
    public var topic: WatchTopic

    public init(token: String, topic: WatchTopic) {
        self.token = token
        self.topic = topic
    }

    /// The subscription prefix as sent.
    public var bytes: Data {
        var out = Self.marker
        out.append(contentsOf: token.utf8)
        out.append(0)
        out.append(topic.bytes)
        return out
    }

    /// Parses a subscription prefix; nil for a plain topic or anything malformed.
    public init?(_ prefix: Data) {
        guard prefix.starts(with: Self.marker) else { return nil }
        let rest = prefix.dropFirst(Self.marker.count)
        guard let zero = rest.firstIndex(of: 0), let topic = WatchTopic(Data(rest[rest.index(after: zero)...])) else { return nil }
        self.init(token: String(decoding: rest[..<zero], as: UTF8.self), topic: topic)
    }

    /// True for a prefix that is an authorization subscription (well-formed or not).
    static func isAuthorization(_ prefix: Data) -> Bool { prefix.first == 0 }
}

/// Decides whether a watcher holding `token` may receive the events of `topic`. Called on the publisher's thread
/// for every authorization subscription, so it must not block (no I/O beyond a buffered log).
public typealias WatchAuthorizer = @Sendable (_ token: String, _ topic: WatchTopic) -> Bool
