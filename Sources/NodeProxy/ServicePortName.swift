/// The unit a proxy programs: one port of one Service (kube-proxy's `ServicePortName`).
///
/// Sorted by namespace, name, port name, protocol so that renderings and reports are deterministic.
public struct ServicePortName: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var namespace: String
    public var name: String
    /// The Service port's name; empty for a single unnamed port.
    public var port: String
    public var `protocol`: TransportProtocol

    public init(namespace: String, name: String, port: String = "", protocol: TransportProtocol = .tcp) {
        self.namespace = namespace
        self.name = name
        self.port = port
        self.protocol = `protocol`
    }

    /// The Service this port belongs to.
    public var service: ServiceKey { ServiceKey(namespace: namespace, name: name) }

    /// `ns/name:port/tcp`, the form Kubernetes logs and names chains after.
    public var description: String {
        "\(namespace)/\(name)\(port.isEmpty ? "" : ":" + port)/\(`protocol`.rawValue)"
    }

    public static func < (a: Self, b: Self) -> Bool {
        (a.namespace, a.name, a.port, a.protocol.rawValue) < (b.namespace, b.name, b.port, b.protocol.rawValue)
    }
}

/// A Service's `namespace/name`.
public struct ServiceKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    public var description: String { "\(namespace)/\(name)" }

    public static func < (a: Self, b: Self) -> Bool { (a.namespace, a.name) < (b.namespace, b.name) }
}

/// The L4 protocols a Service port may carry.
public enum TransportProtocol: String, Hashable, Sendable, CaseIterable {
    case tcp, udp, sctp

    /// Kubernetes spells them TCP, UDP, SCTP; nil means TCP.
    public init?(kubernetes value: String?) {
        switch value ?? "TCP" {
        case "TCP": self = .tcp
        case "UDP": self = .udp
        case "SCTP": self = .sctp
        default: return nil
        }
    }
}
