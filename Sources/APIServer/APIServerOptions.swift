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
    /// The CURVE secret key file (Z85, mode 0600; `apiserver keygen` writes one): the request and watch sockets are
    /// encrypted with it. nil: plaintext, which the executable allows on tcp:// only with `--plaintext`.
    public var curveSecretKeyFile: URL?
    /// Serve tcp:// endpoints without CURVE (the executable's `--plaintext`); see `checkWireSecurity`.
    public var plaintext = false

    public init(dataDirectory: URL) {
        self.dataDirectory = dataDirectory
    }

    /// Plain TCP only when asked for: a tcp:// endpoint needs a CURVE key or `plaintext`. (ipc:// endpoints are
    /// protected by file permissions and may go without.) The executable calls this; in-process tests do not.
    public func checkWireSecurity() throws(ValidationFailure) {
        if curveSecretKeyFile != nil && plaintext {
            throw ValidationFailure("--plaintext and --curve-secret-key-file exclude each other")
        }
        guard curveSecretKeyFile == nil, !plaintext else { return }
        let tcp = [listen, watchListen].filter { $0.hasPrefix("tcp://") }
        guard tcp.isEmpty else {
            throw ValidationFailure(
                "refusing to serve \(tcp.joined(separator: " and ")) unencrypted: give --curve-secret-key-file (apiserver keygen makes one) or, to run plaintext on purpose, --plaintext")
        }
    }
}

/// A configuration the apiserver refuses to start with.
public struct ValidationFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
