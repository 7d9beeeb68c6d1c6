import SkiffAPI

/// The label and annotation keys and values the endpoints controllers read and write.
public enum EndpointsLabels {
    /// `endpointslice.kubernetes.io/managed-by` value for slices built from Pods.
    public static let controllerName = "endpointslice-controller.skiff.dev"
    /// `endpointslice.kubernetes.io/managed-by` value for slices mirrored from user-written Endpoints.
    public static let mirroringControllerName = "endpointslicemirroring-controller.skiff.dev"
    /// Set (empty value) on Endpoints and slices of headless Services (v1.IsHeadlessService).
    public static let headlessService = "service.kubernetes.io/headless"
    /// Set to "true" on an Endpoints object to stop it being mirrored (discovery.LabelSkipMirror).
    public static let skipMirror = "endpointslice.kubernetes.io/skip-mirror"
    /// Set on Endpoints whose addresses were cut to the capacity (v1.EndpointsOverCapacity).
    public static let overCapacity = "endpoints.kubernetes.io/over-capacity"
    public static let truncated = "truncated"
    /// Annotations the mirroring controller does not copy onto slices.
    static let triggerTime = "endpoints.kubernetes.io/last-change-trigger-time"
    static let lastApplied = "kubectl.kubernetes.io/last-applied-configuration"
    /// Endpoints used as leader-election locks are never mirrored.
    static let leaderElection = "control-plane.alpha.kubernetes.io/leader"

    /// Labels reserved on slices: a Service's own values for them are ignored.
    static func isReserved(_ key: String) -> Bool {
        key == EndpointSlice.serviceNameLabel || key == EndpointSlice.managedByLabel || key == headlessService
    }
}
