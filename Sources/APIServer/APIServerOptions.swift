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
    /// kube-apiserver's static token file (token,user,uid,"group1,group2"). Nil: no authentication, every request
    /// is system:admin in system:masters (how Skiff behaved before authentication existed).
    public var tokenFile: URL?
    /// With a token file: requests without a token are system:anonymous (group system:unauthenticated) instead of 401.
    public var anonymousAuth = false
    /// RBAC objects (YAML) applied to the store at start; the stored RBAC objects are the policy in force.
    public var authorizationPolicy: URL?
    /// JSON lines, one per request; nil: no audit log.
    public var auditLog: URL?
    /// The audit log is rotated to PATH.1 when it would pass this many MiB (0: never).
    public var auditLogMaxSizeMB = 100
    /// At most this many Services per namespace (0: unlimited).
    public var maxServicesPerNamespace = 0

    public init(dataDirectory: URL) {
        self.dataDirectory = dataDirectory
    }
}
