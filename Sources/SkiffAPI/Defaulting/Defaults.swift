/// Kubernetes' defaulting (pkg/apis/core/v1/defaults.go and the discovery defaults): fills what a manifest may
/// leave out, so validation and every component see complete objects. Idempotent: defaulting a defaulted
/// object changes nothing, so re-applying a manifest is not a change.
public enum Defaults {
    public static func apply<T: APIObject>(to object: inout T) {
        switch object {
        case var service as Service:
            service.setDefaults()
            if let typed = service as? T { object = typed }
        case var pod as Pod:
            pod.setDefaults()
            if let typed = pod as? T { object = typed }
        case var namespace as Namespace:
            namespace.setDefaults()
            if let typed = namespace as? T { object = typed }
        case var endpoints as Endpoints:
            endpoints.setDefaults()
            if let typed = endpoints as? T { object = typed }
        case var slice as EndpointSlice:
            slice.setDefaults()
            if let typed = slice as? T { object = typed }
        case var node as Node:
            node.setDefaults()
            if let typed = node as? T { object = typed }
        default:
            break
        }
    }
}

extension Namespace {
    /// The label Kubernetes puts on every namespace so selectors can pick namespaces by name.
    public static let metadataNameLabel = "kubernetes.io/metadata.name"

    /// status.phase Active, and the `kubernetes.io/metadata.name` label set to the name.
    public mutating func setDefaults() {
        if let name = metadata.name, !name.isEmpty {
            metadata.labels = (metadata.labels ?? [:]).merging([Self.metadataNameLabel: name]) { _, new in new }
        }
        if status?.phase?.isEmpty ?? true { status = NamespaceStatus(phase: "Active") }
    }
}

extension Endpoints {
    /// Port protocol TCP.
    public mutating func setDefaults() {
        guard var subsets else { return }
        for index in subsets.indices {
            guard var ports = subsets[index].ports else { continue }
            for port in ports.indices where ports[port].protocol?.isEmpty ?? true { ports[port].protocol = "TCP" }
            subsets[index].ports = ports
        }
        self.subsets = subsets
    }
}

extension EndpointSlice {
    /// Port protocol TCP and name "" (Kubernetes' discovery/v1 defaults).
    public mutating func setDefaults() {
        guard var ports else { return }
        for index in ports.indices {
            if ports[index].protocol?.isEmpty ?? true { ports[index].protocol = "TCP" }
            if ports[index].name == nil { ports[index].name = "" }
        }
        self.ports = ports
    }
}

extension Node {
    /// Allocatable defaults to capacity.
    public mutating func setDefaults() {
        if status?.allocatable == nil, let capacity = status?.capacity { status?.allocatable = capacity }
    }
}
