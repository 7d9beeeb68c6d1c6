/// IPVS schedulers kube-proxy's --ipvs-scheduler offers here: round robin, least connection, source hashing.
public enum IPVSScheduler: String, Hashable, Sendable, CaseIterable {
    case rr, lc, sh
}

/// How the ipvs proxier programs a node.
public struct IPVSOptions: Hashable, Sendable {
    public var scheduler: IPVSScheduler
    /// The node's addresses: each NodePort becomes a virtual server on each of them (kube-proxy binds NodePorts
    /// to the node's addresses in IPVS mode). Empty: NodePorts are not programmed.
    public var nodeAddresses: [String]

    public init(scheduler: IPVSScheduler = .rr, nodeAddresses: [String] = []) {
        self.scheduler = scheduler
        self.nodeAddresses = nodeAddresses
    }
}

/// One IPVS virtual service: `-t|-u|--sctp-service ADDRESS:PORT -s SCHEDULER [-p TIMEOUT]`.
public struct IPVSVirtualServer: Hashable, Sendable, Comparable {
    public var `protocol`: TransportProtocol
    public var address: String
    public var port: Int
    public var scheduler: IPVSScheduler
    /// Persistence timeout in seconds (sessionAffinity ClientIP), nil without affinity.
    public var persistence: Int?

    public init(protocol: TransportProtocol, address: String, port: Int, scheduler: IPVSScheduler, persistence: Int? = nil) {
        self.protocol = `protocol`
        self.address = address
        self.port = port
        self.scheduler = scheduler
        self.persistence = persistence
    }

    /// `-t 10.96.0.10:80`: how ipvsadm names the service (IPv6 in brackets).
    public var serviceArgument: String {
        let flag: String
        switch `protocol` {
        case .tcp: flag = "-t"
        case .udp: flag = "-u"
        case .sctp: flag = "--sctp-service"
        }
        return "\(flag) \(hostPort(address, port))"
    }

    /// The identity of the service in the kernel (attributes such as the scheduler can be edited in place).
    var key: String { serviceArgument }

    public static func < (a: Self, b: Self) -> Bool {
        (a.address, a.port, a.protocol.rawValue) < (b.address, b.port, b.protocol.rawValue)
    }
}

/// One real server behind a virtual service, forwarded by masquerading (`-m`), as kube-proxy does.
public struct IPVSRealServer: Hashable, Sendable, Comparable {
    public var address: String
    public var port: Int
    public var weight: Int

    public init(address: String, port: Int, weight: Int = 1) {
        self.address = address
        self.port = port
        self.weight = weight
    }

    public static func < (a: Self, b: Self) -> Bool { (a.address, a.port) < (b.address, b.port) }
}

/// `ip:port`, bracketed for IPv6.
func hostPort(_ address: String, _ port: Int) -> String {
    address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
}
