/// Who sent a request, as Kubernetes' user.Info: a name, a uid and the groups the user is in.
public struct UserInfo: Sendable, Equatable {
    public var name: String
    public var uid: String
    public var groups: [String]

    public init(name: String, uid: String = "", groups: [String] = []) {
        self.name = name
        self.uid = uid
        self.groups = groups
    }

    /// Group names Kubernetes gives meaning to.
    public static let masters = "system:masters"
    public static let authenticated = "system:authenticated"
    public static let unauthenticated = "system:unauthenticated"
    public static let nodes = "system:nodes"
    public static let nodeUserPrefix = "system:node:"

    /// Every request's user when no token file is configured: the cluster admin, allowed everything.
    public static let admin = UserInfo(name: "system:admin", groups: [masters, authenticated])
    /// A request without a valid token when anonymous requests are enabled.
    public static let anonymous = UserInfo(name: "system:anonymous", groups: [unauthenticated])

    public var isMaster: Bool { groups.contains(Self.masters) }

    /// The node a `system:node:NAME` user in group `system:nodes` speaks for; nil for every other user.
    public var nodeName: String? {
        guard groups.contains(Self.nodes), name.hasPrefix(Self.nodeUserPrefix) else { return nil }
        let node = String(name.dropFirst(Self.nodeUserPrefix.count))
        return node.isEmpty ? nil : node
    }
}
