import SkiffAPI

/// The pure core of the endpoints controller: from a Service (nil when deleted), its namespace's Pods, and the
/// Endpoints and EndpointSlices that exist now, compute the writes that make them match. No I/O; the caller
/// reads its caches, calls `plan`, and applies the result (create, update, delete).
///
/// - Service with a selector: one Endpoints object (Kubernetes' endpoints controller) and 1..n slices
///   (the EndpointSlice controller), both from the Pods the selector matches in the Service's namespace.
/// - Service without a selector: the Endpoints are the user's and stay as they are; they are mirrored into
///   slices. Slices this controller built while the Service had a selector are removed (Kubernetes leaves them
///   to linger; they would contradict the mirrored ones).
/// - ExternalName Service: no Endpoints are written and every managed slice goes. An existing Endpoints object is
///   left alone, as Kubernetes does, since it may be the user's.
/// - No Service: the Endpoints and every managed slice of that name are deleted.
public enum EndpointsReconciler {
    public static func plan(
        service: Service?, serviceKey: (namespace: String, name: String), pods: [Pod],
        existingEndpoints: Endpoints?, existingSlices: [EndpointSlice], options: EndpointsReconcilerOptions = .init()
    ) -> EndpointsPlan {
        let managed = existingSlices.filter {
            $0.namespace == serviceKey.namespace && $0.labels[EndpointSlice.serviceNameLabel] == serviceKey.name
        }
        let ours = managed.filter { $0.labels[EndpointSlice.managedByLabel] == EndpointsLabels.controllerName }
        let mirrored = managed.filter { $0.labels[EndpointSlice.managedByLabel] == EndpointsLabels.mirroringControllerName }

        guard let service, service.serviceType != Service.ServiceType.externalName else {
            let endpoints: EndpointsChange = service == nil ? existingEndpoints.map { .delete($0.name) } ?? .none : .none
            return EndpointsPlan(endpoints: endpoints, slicesToDelete: (ours + mirrored).sorted { $0.name < $1.name })
        }
        guard let selector = service.spec?.selector, !selector.isEmpty else {
            return mirrorPlan(existingEndpoints: existingEndpoints, ours: ours, mirrored: mirrored, options: options)
        }

        let matcher = Selector(matchLabels: selector)
        let selected = pods.filter { $0.namespace == service.namespace && matcher.matches($0.labels) }
        let endpoints = EndpointsBuilder.change(service: service, pods: selected, existing: existingEndpoints,
                                                capacity: options.maxEndpointsInEndpoints)
        var slices = SliceReconciler(service: service, maxEndpointsPerSlice: options.maxEndpointsPerSlice)
            .reconcile(pods: selected, existing: ours)
        slices.toDelete = (slices.toDelete + mirrored).sorted { $0.name < $1.name }
        return EndpointsPlan(endpoints: endpoints, slicesToCreate: slices.toCreate, slicesToUpdate: slices.toUpdate,
                             slicesToDelete: slices.toDelete)
    }

    /// A selectorless Service: leave the Endpoints, mirror them (or remove the mirror when there is nothing
    /// to mirror), and remove slices built from Pods.
    private static func mirrorPlan(existingEndpoints: Endpoints?, ours: [EndpointSlice], mirrored: [EndpointSlice],
                                   options: EndpointsReconcilerOptions) -> EndpointsPlan {
        var slices = SliceChanges(toDelete: mirrored)
        if let existingEndpoints, SliceMirror.shouldMirror(existingEndpoints) {
            slices = SliceMirror(endpoints: existingEndpoints, maxPerSubset: options.maxMirroredEndpointsPerSubset)
                .reconcile(existing: mirrored)
        }
        return EndpointsPlan(endpoints: .none, slicesToCreate: slices.toCreate, slicesToUpdate: slices.toUpdate,
                             slicesToDelete: (slices.toDelete + ours).sorted { $0.name < $1.name })
    }
}
