@testable import SkiffAPI
import Testing

@Suite struct NamespaceValidationTests {
    @Test(arguments: [
        Row("valid", "team-a"),
        Row("not a label", "Team_A", ["metadata.name: Invalid value: \"Team_A\": " + Messages.dns1123Label]),
        Row("dots", "team.a", ["metadata.name: Invalid value: \"team.a\": must not contain dots"]),
    ])
    func names(_ row: Row<String>) {
        var namespace = Namespace(name: row.input)
        namespace.setDefaults()
        #expect(namespace.validate().messages == row.errors)
    }

    @Test func finalizers() {
        var namespace = Namespace(name: "team-a")
        namespace.spec = NamespaceSpec(finalizers: ["kubernetes", "example.com/cleanup", "cleanup"])
        #expect(namespace.validate().messages == [
            "spec.finalizers[2]: Invalid value: \"cleanup\": name is neither a standard finalizer name nor is it fully qualified",
        ])
    }

    @Test func phaseFollowsDeletion() {
        var old = Namespace(name: "team-a")
        old.setDefaults()
        Fixtures.stamp(&old.metadata)
        var new = old
        new.status = NamespaceStatus(phase: "Terminating")
        #expect(new.validateUpdate(from: old).messages == [
            "status.phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty",
        ])
        old.metadata.deletionTimestamp = Fixtures.created
        new.metadata.deletionTimestamp = Fixtures.created
        #expect(new.validateUpdate(from: old).isEmpty)
        old.status = NamespaceStatus(phase: "Terminating")
        new.status = NamespaceStatus(phase: "Active")
        #expect(new.validateUpdate(from: old).messages == [
            "status.phase: Invalid value: \"Active\": may only be 'Terminating' if `deletionTimestamp` is not empty",
        ])
    }
}

@Suite struct NodeValidationTests {
    typealias NodeEdit = @Sendable (inout Node) -> Void

    static func node(_ edit: NodeEdit) -> Node {
        var node = Node(metadata: ObjectMeta(name: "node-1"), spec: NodeSpec(podCIDR: "10.244.1.0/24", podCIDRs: ["10.244.1.0/24"]), status: NodeStatus())
        edit(&node)
        node.setDefaults()
        return node
    }

    static let cases: [Row<NodeEdit>] = [
        Row("valid", { _ in }),
        Row("dual-stack pod CIDRs", { $0.spec?.podCIDRs = ["10.244.1.0/24", "fd00:1::/64"] }),
        Row("addresses", { $0.status?.addresses = [NodeAddress(type: "InternalIP", address: "127.0.0.1"), NodeAddress(type: "Hostname", address: "node-1")] }),
        Row("name with dots", { $0.metadata.name = "node-1.example.com" }),
        Row("name not a subdomain", { $0.metadata.name = "Node_1" }, ["metadata.name: Invalid value: \"Node_1\": " + Messages.dns1123Subdomain]),
        Row("podCIDR invalid", { $0.spec?.podCIDR = "10.244.1.0/33" },
            ["spec.podCIDR: Invalid value: \"10.244.1.0/33\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"]),
        Row("podCIDRs invalid", { $0.spec?.podCIDRs = ["10.244.1.0"] },
            ["spec.podCIDRs[0]: Invalid value: \"10.244.1.0\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"]),
        Row("two IPv4 pod CIDRs", { $0.spec?.podCIDRs = ["10.244.1.0/24", "10.245.1.0/24"] },
            ["spec.podCIDRs: Invalid value: []string{\"10.244.1.0/24\", \"10.245.1.0/24\"}: may specify no more than one CIDR for each IP family"]),
        Row("unknown address type", { $0.status?.addresses = [NodeAddress(type: "Public", address: "192.0.2.1")] },
            ["status.addresses[0].type: Unsupported value: \"Public\": supported values: \"ExternalDNS\", \"ExternalIP\", \"Hostname\", \"InternalDNS\", \"InternalIP\""]),
        Row("InternalIP not an IP", { $0.status?.addresses = [NodeAddress(type: "InternalIP", address: "node-1")] },
            ["status.addresses[0].address: Invalid value: \"node-1\": " + Messages.ip]),
        Row("address twice", { $0.status?.addresses = [NodeAddress(type: "InternalIP", address: "10.0.0.1"), NodeAddress(type: "InternalIP", address: "10.0.0.1")] },
            ["status.addresses[1]: Duplicate value: {type: InternalIP, address: 10.0.0.1}"]),
        Row("namespace set", { $0.metadata.namespace = "default" }, ["metadata.namespace: Forbidden: not allowed on this type"]),
    ]

    @Test(arguments: cases)
    func nodes(_ row: Row<NodeEdit>) {
        #expect(Self.node(row.input).validate().messages == row.errors)
    }

    @Test func podCIDRIsSetOnce() {
        var old = Self.node { $0.spec = NodeSpec() }
        Fixtures.stamp(&old.metadata)
        var new = old
        new.spec?.podCIDRs = ["10.244.2.0/24"]
        #expect(new.validateUpdate(from: old).isEmpty)
        var later = new
        later.spec?.podCIDRs = ["10.244.3.0/24"]
        #expect(later.validateUpdate(from: new).messages == [
            "spec.podCIDRs: Forbidden: node updates may not change podCIDR except from \"\" to valid",
        ])
    }
}

@Suite struct EndpointsValidationTests {
    typealias EndpointsEdit = @Sendable (inout Endpoints) -> Void

    static func endpoints(_ edit: EndpointsEdit, defaulted: Bool = true) -> Endpoints {
        var endpoints = Endpoints(metadata: ObjectMeta(name: "web", namespace: "default"), subsets: [
            EndpointSubset(addresses: [EndpointAddress(ip: "127.244.1.5", nodeName: "node-1")],
                           notReadyAddresses: [EndpointAddress(ip: "127.244.1.6")], ports: [EndpointPort(name: "http", port: 8080)]),
        ])
        edit(&endpoints)
        if defaulted { endpoints.setDefaults() }
        return endpoints
    }

    static let cases: [Row<EndpointsEdit>] = [
        Row("valid", { _ in }),
        Row("only not-ready addresses", { $0.subsets?[0].addresses = nil }),
        Row("headless subset without ports", { $0.subsets?[0].ports = nil }),
        Row("empty subset", { $0.subsets = [EndpointSubset(ports: [EndpointPort(port: 80)])] },
            ["subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`"]),
        Row("address not an IP", { $0.subsets?[0].addresses?[0].ip = "pod-1" }, [
            "subsets[0].addresses[0].ip: Invalid value: \"pod-1\": " + Messages.ip,
            "subsets[0].addresses[0].ip: Invalid value: \"pod-1\": must be a valid IP address",
        ]),
        Row("link-local address", { $0.subsets?[0].addresses?[0].ip = "169.254.0.9" },
            ["subsets[0].addresses[0].ip: Invalid value: \"169.254.0.9\": may not be in the link-local range (169.254.0.0/16, fe80::/10)"]),
        Row("hostname not a label", { $0.subsets?[0].addresses?[0].hostname = "web.0" },
            ["subsets[0].addresses[0].hostname: Invalid value: \"web.0\": must not contain dots"]),
        Row("two ports, one unnamed", { $0.subsets?[0].ports = [EndpointPort(name: "http", port: 80), EndpointPort(port: 81)] },
            ["subsets[0].ports[1].name: Required value"]),
        Row("duplicate port names", { $0.subsets?[0].ports = [EndpointPort(name: "http", port: 80), EndpointPort(name: "http", port: 81)] },
            ["subsets[0].ports[1].name: Duplicate value: \"http\""]),
        Row("port zero", { $0.subsets?[0].ports?[0].port = 0 }, ["subsets[0].ports[0].port: Invalid value: 0: " + Messages.portRange]),
        Row("unknown protocol", { $0.subsets?[0].ports?[0].protocol = "QUIC" },
            ["subsets[0].ports[0].protocol: Unsupported value: \"QUIC\": supported values: \"SCTP\", \"TCP\", \"UDP\""]),
    ]

    @Test(arguments: cases)
    func endpoints(_ row: Row<EndpointsEdit>) {
        #expect(Self.endpoints(row.input).validate().messages == row.errors)
    }

    @Test func protocolIsRequiredWithoutDefaults() {
        #expect(Self.endpoints({ _ in }, defaulted: false).validate().messages == ["subsets[0].ports[0].protocol: Required value"])
    }
}

@Suite struct EndpointSliceValidationTests {
    typealias SliceEdit = @Sendable (inout EndpointSlice) -> Void

    static func slice(_ edit: SliceEdit) -> EndpointSlice {
        var slice = EndpointSlice(
            metadata: ObjectMeta(name: "web-abc12", namespace: "default", labels: [EndpointSlice.serviceNameLabel: "web"]),
            addressType: "IPv4",
            endpoints: [Endpoint(addresses: ["127.244.1.5"], conditions: EndpointConditions(ready: true), hostname: "web-0", nodeName: "node-1")],
            ports: [EndpointSlicePort(name: "http", port: 8080)])
        edit(&slice)
        slice.setDefaults()
        return slice
    }

    static let cases: [Row<SliceEdit>] = [
        Row("valid", { _ in }),
        Row("no endpoints", { $0.endpoints = [] }),
        Row("IPv6", { $0.addressType = "IPv6"; $0.endpoints[0].addresses = ["fd00::5"] }),
        Row("FQDN", { $0.addressType = "FQDN"; $0.endpoints[0].addresses = ["db.example.com."] }),
        Row("unnamed single port", { $0.ports = [EndpointSlicePort(port: 80)] }),
        Row("unknown address type", { $0.addressType = "IP" },
            ["addressType: Unsupported value: \"IP\": supported values: \"FQDN\", \"IPv4\", \"IPv6\""]),
        Row("endpoint without addresses", { $0.endpoints[0].addresses = [] }, ["endpoints[0].addresses: Required value: must contain at least 1 address"]),
        Row("too many addresses", { $0.endpoints[0].addresses = (1...101).map { "10.0.0.\($0)" } },
            ["endpoints[0].addresses: Too many: 101: must have at most 100 items"]),
        Row("too many endpoints", { $0.endpoints = Array(repeating: Endpoint(addresses: ["10.0.0.1"]), count: 1001) },
            ["endpoints: Too many: 1001: must have at most 1000 items"]),
        Row("IPv6 address in an IPv4 slice", { $0.endpoints[0].addresses = ["fd00::5"] },
            ["endpoints[0].addresses[0]: Invalid value: \"fd00::5\": must be a valid IPv4 address"]),
        Row("not an address", { $0.endpoints[0].addresses = ["web-0"] }, [
            "endpoints[0].addresses[0]: Invalid value: \"web-0\": must be a valid IPv4 address",
            "endpoints[0].addresses[0]: Invalid value: \"web-0\": must be a valid IP address",
        ]),
        Row("FQDN of one label", { $0.addressType = "FQDN"; $0.endpoints[0].addresses = ["db"] },
            ["endpoints[0].addresses[0]: Invalid value: \"db\": should be a domain with at least two segments separated by dots"]),
        Row("hostname not a label", { $0.endpoints[0].hostname = "Web-0" }, ["endpoints[0].hostname: Invalid value: \"Web-0\": " + Messages.dns1123Label]),
        Row("too many ports", { $0.ports = (1...101).map { (n: Int) in EndpointSlicePort(name: "p\(n)", port: n) } },
            ["ports: Too many: 101: must have at most 100 items"]),
        Row("duplicate port names", { $0.ports = [EndpointSlicePort(name: "http", port: 80), EndpointSlicePort(name: "http", port: 81)] },
            ["ports[1].name: Duplicate value: \"http\""]),
        Row("two unnamed ports", { $0.ports = [EndpointSlicePort(port: 80), EndpointSlicePort(port: 81)] },
            ["ports[1].name: Duplicate value: \"\""]),
        Row("port name not a label", { $0.ports?[0].name = "HTTP" }, ["ports[0].name: Invalid value: \"HTTP\": " + Messages.dns1123Label]),
        Row("port out of range", { $0.ports?[0].port = 70000 }, ["ports[0].port: Invalid value: 70000: " + Messages.portRange]),
    ]

    @Test(arguments: cases)
    func slices(_ row: Row<SliceEdit>) {
        #expect(Self.slice(row.input).validate().messages == row.errors)
    }

    @Test func addressTypeIsImmutable() {
        var old = Self.slice { _ in }
        Fixtures.stamp(&old.metadata)
        var new = old
        new.addressType = "IPv6"
        new.endpoints = []
        #expect(Validation.validateUpdate(new, from: old).messages == ["addressType: Invalid value: \"IPv6\": field is immutable"])
    }
}
