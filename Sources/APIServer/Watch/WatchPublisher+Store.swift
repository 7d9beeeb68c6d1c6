import SkiffMessaging
import SkiffStore

extension WatchPublisher {
    /// The store's commit observer: hands each commit's events, in revision order, to the publisher's thread.
    /// Runs on the store's writer thread, so it only maps and enqueues (no encoding, no socket, no wait).
    func publish(_ events: [StoreEvent]) {
        publish(events.map(Self.change))
    }

    static func change(_ event: StoreEvent) -> Change {
        let type: WatchEventType = switch event.type {
        case .added: .added
        case .modified: .modified
        case .deleted: .deleted
        }
        return Change(type: type, resource: event.object.key.resource, namespace: event.object.key.namespace,
                      revision: event.revision, object: event.object.value)
    }
}
