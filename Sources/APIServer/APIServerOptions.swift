import Foundation
import SkiffMessaging

/// Everything the apiserver is configured with; the executable fills it from flags.
public struct APIServerOptions: Sendable {
    /// Where the store keeps its database.
    public var dataDirectory: URL
    /// The ROUTER request socket, a ZeroMQ endpoint.
    public var listen: String = "tcp://127.0.0.1:6443"
    /// The XPUB watch socket, a ZeroMQ endpoint (told to clients by `discover`).
    public var watchListen: String = "tcp://127.0.0.1:6444"
    /// The watch publisher's tuning: bookmark interval (1 s; docs/WATCH.md), per-subscriber send high-water mark.
    public var watch = WatchPublisherOptions()
    /// Service ClusterIPs come from here; the 10th address is kube-dns's.
    public var serviceCIDR: String = "127.96.0.0/16"
    public var nodePortRange: ClosedRange<Int> = 30000...32767

    public init(dataDirectory: URL) {
        self.dataDirectory = dataDirectory
    }
}
