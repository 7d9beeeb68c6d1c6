import Foundation
import SkiffAPI

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
                    mailbox.post(.listed(generation: request.generation, objects: list.objects, revision: list.revision))
                    if list.undecodable > 0 {
                        logger.error("informer for \(topic): \(list.undecodable) listed objects do not decode as \(Object.resource.kind); they are left out")
                        state.statistics.withLock { $0.undecodable += list.undecodable }
                    }
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
        guard let discovery = try? JSONDecoder().decode(InformerDiscovery.self, from: body), !discovery.watchEndpoint.isEmpty else {
            throw MessagingError(.malformed, "the discover reply from \(connection.endpoint) names no watchEndpoint")
        }
        return Self.reachable(discovery.watchEndpoint, via: connection.endpoint)
    }

    private func fetchList() async throws(MessagingError) -> InformerList<Object> {
        let request = Request(verb: .list, resource: Object.resource.plural, namespace: namespace ?? "", token: options.token)
        return try InformerList<Object>.decode(try await call(request))
    }

    private func call(_ request: Request) async throws(MessagingError) -> Data {
        let response = try await connection.call(request, timeout: options.requestTimeout)
        guard response.code == 200 else {
            let message = (try? JSONDecoder().decode(InformerDiscovery.Status.self, from: response.body))?.message ?? ""
            throw MessagingError(.malformed, "\(request.verb.rawValue) \(request.resource): \(response.code) \(message)")
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

/// The parts of a `discover` reply, and of a failure's Status, that an informer reads.
private struct InformerDiscovery: Decodable {
    struct Status: Decodable { var message: String? }
    var watchEndpoint: String
}

/// A `list` reply: `{"metadata":{"resourceVersion":"R"},"items":[...]}`. Items that do not decode as `Object`
/// are counted and left out, rather than failing the whole list (and every relist after it).
struct InformerList<Object: APIObject>: Sendable {
    var objects: [Object]
    var revision: Int64
    var undecodable: Int

    private struct Body: Decodable {
        struct Metadata: Decodable { var resourceVersion: String? }
        var metadata: Metadata?
        var items: [Item]?
    }

    private struct Item: Decodable {
        var object: Object?
        init(from decoder: any Decoder) throws {
            object = try? Object(from: decoder)
        }
    }

    static func decode(_ body: Data) throws(MessagingError) -> InformerList {
        let decoded: Body
        do { decoded = try JSONDecoder().decode(Body.self, from: body) } catch {
            throw MessagingError(.malformed, "the \(Object.resource.plural) list is not a List object: \(error)")
        }
        guard let revision = decoded.metadata?.resourceVersion.flatMap({ Int64($0) }) else {
            throw MessagingError(.malformed, "the \(Object.resource.plural) list has no metadata.resourceVersion")
        }
        let items = decoded.items ?? []
        let objects = items.compactMap(\.object)
        return InformerList(objects: objects, revision: revision, undecodable: items.count - objects.count)
    }
}
