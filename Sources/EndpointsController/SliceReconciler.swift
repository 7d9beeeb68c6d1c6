import SkiffAPI

/// Kubernetes' EndpointSlice reconciler for one Service with a selector: groups the Pods' endpoints by address
/// type and resolved port set, then changes as few slices as it can (keep unchanged slices, update in place,
/// fill the slices it touches, then the fullest unchanged slice that fits, then create), capped at
/// `maxEndpointsPerSlice` endpoints each.
struct SliceReconciler {
    let service: Service
    let maxEndpointsPerSlice: Int

    /// `existing` holds this controller's slices for the Service (service-name and managed-by labels).
    func reconcile(pods: [Pod], existing: [EndpointSlice]) -> SliceChanges {
        let types = AddressFamily.types(of: service)
        var changes = SliceChanges()
        // Slices of an address type the Service no longer has go; the others are reconciled per type.
        changes.toDelete = existing.filter { !types.contains($0.addressType) }
        for type in types {
            changes.append(reconcile(pods: pods, existing: existing.filter { $0.addressType == type }, addressType: type))
        }
        if service.metadata.deletionTimestamp != nil {
            // Creating slices while the garbage collector removes the Service's would race with it.
            changes.toCreate = []
        }
        return changes.sortedByName()
    }

    /// reconcileByAddressType.
    private func reconcile(pods: [Pod], existing: [EndpointSlice], addressType: String) -> SliceChanges {
        var changes = SliceChanges()
        var existingByPorts: [PortSetKey: [EndpointSlice]] = [:]
        for slice in existing.sorted(by: { $0.name < $1.name }) {
            if ownedByService(slice) {
                existingByPorts[PortSetKey(slice.ports), default: []].append(slice)
            } else {
                // Left over from an earlier Service of the same name.
                changes.toDelete.append(slice)
            }
        }
        var desiredByPorts: [PortSetKey: EndpointSet] = [:]
        for pod in pods where PodEndpoint.counts(pod, includeTerminating: true) {
            let key = PortSetKey(PortResolver.slicePorts(service: service, pod: pod))
            guard let endpoint = PodEndpoint.endpoint(pod, service: service, addressType: addressType) else { continue }
            desiredByPorts[key, default: EndpointSet()].insert(endpoint)
        }
        for key in desiredByPorts.keys.sorted() {
            changes.append(reconcile(existing: existingByPorts[key] ?? [], desired: desiredByPorts[key] ?? EndpointSet(),
                                     ports: key.ports, addressType: addressType))
        }
        for key in existingByPorts.keys.sorted() where desiredByPorts[key] == nil {
            changes.toDelete += existingByPorts[key] ?? []
        }
        addPlaceholderIfEmpty(&changes, existingCount: existing.count, addressType: addressType)
        changes.recycle(canReuse: ownedByService)
        return changes
    }

    /// A Service with no endpoints of a type still gets one empty slice of it, so consumers can tell "no
    /// endpoints" from "not synced yet". An existing equal placeholder is kept rather than replaced.
    private func addPlaceholderIfEmpty(_ changes: inout SliceChanges, existingCount: Int, addressType: String) {
        guard existingCount == changes.toDelete.count && changes.toCreate.isEmpty else { return }
        let placeholder = newSlice(ports: [], addressType: addressType)
        if changes.toDelete.count == 1, isSamePlaceholder(changes.toDelete[0], placeholder) {
            changes.toDelete = []
        } else {
            changes.toCreate.append(placeholder)
        }
    }

    private func isSamePlaceholder(_ slice: EndpointSlice, _ placeholder: EndpointSlice) -> Bool {
        slice.namespace == placeholder.namespace && slice.labels == placeholder.labels
            && slice.metadata.ownerReferences == placeholder.metadata.ownerReferences
            && slice.addressType == placeholder.addressType && slice.endpoints.isEmpty && (slice.ports ?? []).isEmpty
    }

    func ownedByService(_ slice: EndpointSlice) -> Bool {
        (slice.metadata.ownerReferences ?? []).contains {
            $0.uid == (service.metadata.uid ?? "") && $0.kind == "Service" && $0.apiVersion == "v1"
        }
    }

    /// A new, empty slice for the Service; the apiserver names it from generateName.
    func newSlice(ports: [EndpointSlicePort], addressType: String) -> EndpointSlice {
        var metadata = ObjectMeta(namespace: service.namespace, labels: desiredLabels)
        metadata.generateName = service.name + "-"
        metadata.ownerReferences = [OwnerReference(apiVersion: "v1", kind: "Service", name: service.name,
                                                   uid: service.metadata.uid ?? "", controller: true, blockOwnerDeletion: true)]
        return EndpointSlice(metadata: metadata, addressType: addressType, endpoints: [], ports: ports)
    }

    /// The Service's labels (but the reserved ones), the headless label, service-name and managed-by.
    var desiredLabels: [String: String] {
        var labels = (service.metadata.labels ?? [:]).filter { !EndpointsLabels.isReserved($0.key) }
        if !EndpointsBuilder.isServiceIPSet(service) { labels[EndpointsLabels.headlessService] = "" }
        labels[EndpointSlice.serviceNameLabel] = service.name
        labels[EndpointSlice.managedByLabel] = EndpointsLabels.controllerName
        return labels
    }
}
