import NIOCore
import Synchronization

/// The client connections a proxier has accepted and not yet seen close, so that `shutdown` can close them.
///
/// Registered from any event loop as connections become active; each removes itself when its channel closes.
final class UserspaceConnections: Sendable {
    private let open = Mutex<[ObjectIdentifier: any Channel]>([:])

    func track(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        open.withLock { $0[key] = channel }
        channel.closeFuture.whenComplete { [self] _ in _ = open.withLock { $0.removeValue(forKey: key) } }
    }

    var count: Int { open.withLock { $0.count } }

    /// Closes every tracked connection (the backend side follows through the glue).
    func closeAll() async {
        let channels = open.withLock { Array($0.values) }
        for channel in channels { channel.close(promise: nil) }
        // closeFuture, not close()'s promise: it completes after the removal registered in `track`.
        for channel in channels { try? await channel.closeFuture.get() }
    }
}
