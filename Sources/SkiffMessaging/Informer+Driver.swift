import Foundation
import SkiffAPI
import SkiffJSON

extension Informer {
    /// The informer's async side (client-go's Reflector loop, minus the watch, which the socket thread owns): it
    /// does what the socket thread asks, discover-and-connect or list, one thing at a time, backing off on the
    /// injected clock. Returns when the calling task is cancelled.
    func drive() async {
        var retry = InformerBackoff(initial: options.retryInitial, maximum: options.retryMax)
        var relists = InformerBackoff(initial: options.relistInitial, maximum: options.relistMax)
        var wakes = control.wakes.makeAsyncIterator()
        while !Task.isCancelled {
            let wants = control.take()
            if wants.reconnect {
                do {
                    let endpoint = try await discoverWatchEndpoint()
                    retry.reset()
                    mailbox.post(.connect(endpoint))
                } catch {
                    logger.warning("informer for \(topic): discover failed: \(error.message)")
                    control.requestReconnect()
                    guard await sleep(retry.next()) else { return }
                }
                continue
            }
            if let request = wants.list {
                if request.healthy {
                    relists.reset()
                } else {
                    guard await sleep(relists.next()) else { return }
                }
                do {
                    let list = try await fetchList()
                    retry.reset()
                    if !list.undecodable.isEmpty {
                        logger.error("informer for \(topic): \(list.undecodable.count) listed objects do not decode as \(Object.resource.kind) and are left out: \(list.undecodable.sorted().prefix(5).joined(separator: ", "))")
                    }
                    mailbox.post(.listed(generation: request.generation, list))
                } catch {
                    logger.warning("informer for \(topic): list failed: \(error.message)")
                    control.retryList(request)
                    guard await sleep(retry.next()) else { return }
                }
                continue
            }
            guard await wakes.next() != nil else { return }
        }
    }

    /// False when cancelled.
    private func sleep(_ duration: Duration) async -> Bool {
        if duration > .zero { try? await clock.sleep(for: duration) }
        return !Task.isCancelled
    }

    private func discoverWatchEndpoint() async throws(MessagingError) -> String {
        let body = try await call(Request(verb: .discover, resource: "", token: options.token))
        guard let discovery = try? FastJSONDecoder.decode(Discovery.self, from: body), !discovery.watchEndpoint.isEmpty else {
            throw MessagingError(.malformed, "the discover reply from \(connection.endpoint) names no watchEndpoint")
        }
        return Self.reachable(discovery.watchEndpoint, via: connection.endpoint)
    }

    private func fetchList() async throws(MessagingError) -> InformerList<Object> {
        // watch=true: the list is authorized for `watch` too, as the subscription that follows it is.
        let request = Request(verb: .list, resource: Object.resource.plural, namespace: namespace ?? "", token: options.token,
                              params: ["watch": "true"])
        return try InformerList<Object>.decode(try await call(request))
    }

    private func call(_ request: Request) async throws(MessagingError) -> Data {
        let response = try await connection.call(request, timeout: options.requestTimeout)
        guard response.code == 200 else {
            throw MessagingError(.malformed, "\(request.verb.rawValue) \(request.resource): \(APIError(response: response))")
        }
        return response.body
    }

    /// A watch endpoint bound to a wildcard host (`tcp://*:6444`, `tcp://0.0.0.0:6444`) is reached at the host of
    /// the request endpoint.
    static func reachable(_ watch: String, via requests: String) -> String {
        let wildcards = ["tcp://*:", "tcp://0.0.0.0:", "tcp://[::]:"]
        guard let wildcard = wildcards.first(where: watch.hasPrefix), requests.hasPrefix("tcp://"),
              let colon = requests.lastIndex(of: ":"), colon > requests.index(requests.startIndex, offsetBy: 5) else { return watch }
        return requests[..<colon] + ":" + watch.dropFirst(wildcard.count)
    }
}

/// A `list` reply: `{"metadata":{"resourceVersion":"R"},"items":[...]}`. Items that do not decode as `Object` are
/// left out (and their keys kept), rather than failing the whole list and every relist after it.
struct InformerList<Object: APIObject>: Sendable {
    var objects: [Object]
    var revision: Int64
    /// Cache keys of the items that did not decode (those whose name did not decode either are left out).
    var undecodable: Set<String>

    private struct Body: Decodable {
        struct Metadata: Decodable { var resourceVersion: String? }
        var metadata: Metadata?
        var items: [Item]?
    }

    private struct Item: Decodable {
        var object: Object?
        var undecodableKey: String?

        init(from decoder: any Decoder) throws {
            object = try? Object(from: decoder)
            if object == nil { undecodableKey = try? InformerObjectKey(from: decoder).key }
        }
    }

    static func decode(_ body: Data) throws(MessagingError) -> InformerList {
        let decoded: Body
        do { decoded = try FastJSONDecoder.decode(Body.self, from: body) } catch {
            throw MessagingError(.malformed, "the \(Object.resource.plural) list is not a List object: \(error)")
        }
        guard let revision = decoded.metadata?.resourceVersion.flatMap({ Int64($0) }) else {
            throw MessagingError(.malformed, "the \(Object.resource.plural) list has no metadata.resourceVersion")
        }
        let items = decoded.items ?? []
        return InformerList(objects: items.compactMap(\.object), revision: revision,
                            undecodable: Set(items.compactMap(\.undecodableKey)))
    }
}

/// Just enough of an object to know its cache key, for objects that do not decode as the informer's type.
struct InformerObjectKey: Decodable {
    private struct Metadata: Decodable {
        var name: String?
        var namespace: String?
    }

    private var metadata: Metadata?

    var key: String? {
        guard let name = metadata?.name else { return nil }
        return metadata?.namespace.map { $0.isEmpty ? name : "\($0)/\(name)" } ?? name
    }
}
