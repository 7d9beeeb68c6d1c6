/// Kubernetes' validation for every kind Skiff serves. Run it on defaulted objects (see `Defaults`), as the
/// apiserver does: many fields Kubernetes requires (protocol, sessionAffinity, restartPolicy, ...) are filled by
/// defaulting, and validating without it reports them as missing, exactly as Kubernetes would.
public enum Validation {
    /// Validates an object as a create would.
    public static func validate(_ object: any APIObject) -> [FieldError] {
        switch object {
        case let service as Service: service.validate()
        case let pod as Pod: pod.validate()
        case let namespace as Namespace: namespace.validate()
        case let endpoints as Endpoints: endpoints.validate()
        case let slice as EndpointSlice: slice.validate()
        case let node as Node: node.validate()
        case let lease as Lease: lease.validate()
        case let role as Role: role.validate()
        case let role as ClusterRole: role.validate()
        case let binding as RoleBinding: binding.validate()
        case let binding as ClusterRoleBinding: binding.validate()
        default: [.invalid(.root("kind"), type(of: object).resource.kind, "no validation is defined for this kind")]
        }
    }

    /// Validates `new` as an update of `old` (both the same kind); covers update-status too.
    public static func validateUpdate(_ new: any APIObject, from old: any APIObject) -> [FieldError] {
        switch (new, old) {
        case let (new as Service, old as Service): new.validateUpdate(from: old)
        case let (new as Pod, old as Pod): new.validateUpdate(from: old)
        case let (new as Namespace, old as Namespace): new.validateUpdate(from: old)
        case let (new as Endpoints, old as Endpoints): new.validateUpdate(from: old)
        case let (new as EndpointSlice, old as EndpointSlice): new.validateUpdate(from: old)
        case let (new as Node, old as Node): new.validateUpdate(from: old)
        case let (new as Lease, old as Lease): new.validateUpdate(from: old)
        case let (new as Role, old as Role): new.validateUpdate(from: old)
        case let (new as ClusterRole, old as ClusterRole): new.validateUpdate(from: old)
        case let (new as RoleBinding, old as RoleBinding): new.validateUpdate(from: old)
        case let (new as ClusterRoleBinding, old as ClusterRoleBinding): new.validateUpdate(from: old)
        default:
            [.invalid(.root("kind"), type(of: new).resource.kind, "may not change from \(type(of: old).resource.kind)")]
        }
    }
}
