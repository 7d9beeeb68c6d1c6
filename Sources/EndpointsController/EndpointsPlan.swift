import SkiffAPI

/// What to do with a Service's Endpoints object.
public enum EndpointsChange: Sendable, Equatable {
    /// Leave it as it is (equal already, or not ours to manage).
    case none
    case create(Endpoints)
    /// The full object to write; it keeps the existing metadata (uid, resourceVersion) for optimistic concurrency.
    case update(Endpoints)
    /// Delete the Endpoints with this name (in the Service's namespace).
    case delete(String)
}

/// The writes that bring one Service's Endpoints and EndpointSlices to the desired state. Computed without I/O
/// by `EndpointsReconciler.plan`; an empty plan means nothing changed and nothing must be written.
///
/// Order matters when applying: create, then update, then delete (as Kubernetes' reconciler finalizes), so that
/// consumers never see a moment with fewer endpoints than either the old or the new state.
public struct EndpointsPlan: Sendable, Equatable {
    public var endpoints: EndpointsChange
    /// New slices carry `metadata.generateName` ("<service>-") and no name: the apiserver picks the name.
    public var slicesToCreate: [EndpointSlice]
    /// Full objects with the existing slice's name (and resourceVersion when known).
    public var slicesToUpdate: [EndpointSlice]
    public var slicesToDelete: [EndpointSlice]

    public init(endpoints: EndpointsChange = .none, slicesToCreate: [EndpointSlice] = [],
                slicesToUpdate: [EndpointSlice] = [], slicesToDelete: [EndpointSlice] = []) {
        self.endpoints = endpoints
        self.slicesToCreate = slicesToCreate
        self.slicesToUpdate = slicesToUpdate
        self.slicesToDelete = slicesToDelete
    }

    /// True when there is nothing to write.
    public var isEmpty: Bool {
        endpoints == .none && slicesToCreate.isEmpty && slicesToUpdate.isEmpty && slicesToDelete.isEmpty
    }
}

/// Tunables, with Kubernetes' defaults.
public struct EndpointsReconcilerOptions: Sendable, Equatable {
    /// kube-controller-manager's --max-endpoints-per-slice.
    public var maxEndpointsPerSlice = 100
    /// The Endpoints object is truncated beyond this many addresses (Kubernetes' fixed maxCapacity).
    public var maxEndpointsInEndpoints = 1000
    /// The mirroring controller copies at most this many addresses per subset
    /// (--mirroring-max-endpoints-per-subset), so one subset maps to one slice.
    public var maxMirroredEndpointsPerSubset = 1000

    public init() {}
}
