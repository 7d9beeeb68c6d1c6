// Kubernetes' ValidatePodCreate / ValidatePodSpec for the fields Skiff models. Fields Skiff keeps as raw JSON
// (volumes, affinity, security contexts, resources, tolerations, lifecycle, dnsConfig) are stored but not
// validated, and a container's image is optional (see Container.validateCommon).

extension Pod {
    static let restartPolicies = ["Always", "OnFailure", "Never"]
    static let dnsPolicies = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]
    static let phases = ["Pending", "Running", "Succeeded", "Failed", "Unknown"]
    /// Kubernetes' own condition types, exempt from the qualified-name rule.
    static let systemConditionTypes: Set<String> = ["PodScheduled", "Ready", "Initialized", "ContainersReady", "PodReadyToStartContainers"]

    /// Validates a Pod as a create would (metadata and spec; the server resets status on create).
    public func validate() -> [FieldError] {
        metadata.validate(namespaced: true, names: .dns1123Subdomain) + (spec ?? PodSpec(containers: [])).validate()
    }
}

extension PodSpec {
    func validate(path specPath: FieldPath = .root("spec")) -> [FieldError] {
        var errors: [FieldError] = []
        if terminationGracePeriodSeconds == nil { errors.append(.required(specPath.child("terminationGracePeriodSeconds"))) }

        let containersPath = specPath.child("containers")
        if containers.isEmpty { errors.append(.required(containersPath)) }
        var names: Set<String> = []
        for (index, container) in containers.enumerated() {
            let path = containersPath.index(index)
            errors += container.validateCommon(path)
            if !names.insert(container.name).inserted { errors.append(.duplicate(path.child("name"), container.name)) }
            errors += container.validateProbes(path, allowed: true)
        }
        errors += Container.hostPortConflicts(containers, containersPath)

        let initPath = specPath.child("initContainers")
        for (index, container) in (initContainers ?? []).enumerated() {
            let path = initPath.index(index)
            errors += container.validateCommon(path)
            if names.contains(container.name) {
                errors.append(.duplicate(path.child("name"), container.name))
            } else if !container.name.isEmpty {
                names.insert(container.name)
            }
            // Init containers run one by one, so each only has to agree with itself about host ports.
            errors += Container.hostPortConflicts([container], initPath)
            // Skiff models no per-container restartPolicy, so every init container is a plain one.
            errors += container.validateProbes(path, allowed: false)
        }

        if hostNetwork == true { errors += hostNetworkPorts(containersPath) }
        errors += Checks.oneOf(restartPolicy, Pod.restartPolicies, specPath.child("restartPolicy"))
        errors += Checks.oneOf(dnsPolicy, Pod.dnsPolicies, specPath.child("dnsPolicy"))
        if dnsPolicy == "None" && dnsConfig == nil {
            errors.append(.required(specPath.child("dnsConfig"), "must provide `dnsConfig` when `dnsPolicy` is None"))
        }
        errors += Checks.labels(nodeSelector, specPath.child("nodeSelector"))
        if let name = serviceAccountName, !name.isEmpty { errors += Checks.dns1123Subdomain(name, specPath.child("serviceAccountName")) }
        if let name = nodeName, !name.isEmpty { errors += Checks.dns1123Subdomain(name, specPath.child("nodeName")) }
        if let deadline = activeDeadlineSeconds, deadline < 1 || deadline > Int64(Int32.max) {
            errors.append(.invalid(specPath.child("activeDeadlineSeconds"), deadline, Validation.inclusiveRangeError(1, Int(Int32.max))))
        }
        if let hostname, !hostname.isEmpty { errors += Checks.dns1123Label(hostname, specPath.child("hostname")) }
        if let subdomain, !subdomain.isEmpty { errors += Checks.dns1123Label(subdomain, specPath.child("subdomain")) }
        return errors
    }

    /// With hostNetwork a container port is a host port: hostPort must equal containerPort.
    private func hostNetworkPorts(_ containersPath: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        for (index, container) in containers.enumerated() {
            for (portIndex, port) in (container.ports ?? []).enumerated() where (port.hostPort ?? 0) != port.containerPort {
                errors.append(.invalid(containersPath.index(index).child("ports").index(portIndex).child("hostPort"),
                    port.hostPort ?? 0, "must match `containerPort` when `hostNetwork` is true"))
            }
        }
        return errors
    }
}

extension Pod {
    /// Kubernetes' ValidatePodStatusUpdate checks on the status itself: phase, conditions, IPs.
    public func validateStatus() -> [FieldError] {
        guard let status else { return [] }
        let statusPath = FieldPath.root("status")
        var errors: [FieldError] = []
        if let phase = status.phase, !phase.isEmpty, !Self.phases.contains(phase) {
            errors.append(.notSupported(statusPath.child("phase"), phase, Self.phases))
        }
        errors += ConditionChecks.validate((status.conditions ?? []).map { ($0.type, $0.status) }, statusPath.child("conditions"),
                                           systemTypes: Self.systemConditionTypes)
        if let ip = status.podIP, !ip.isEmpty { errors += IPChecks.validIP(ip, statusPath.child("podIP")) }
        errors += Self.validateIPList((status.podIPs ?? []).map(\.ip), statusPath.child("podIPs"))
        if let ip = status.hostIP, !ip.isEmpty { errors += IPChecks.validIP(ip, statusPath.child("hostIP")) }
        let hostIPs = (status.hostIPs ?? []).map(\.ip)
        if let first = hostIPs.first, first != status.hostIP ?? "" {
            errors.append(.invalid(statusPath.child("hostIPs").index(0).child("ip"), first, "must be equal to `hostIP`"))
        }
        errors += Self.validateIPList(hostIPs, statusPath.child("hostIPs"))
        return errors
    }

    /// Valid addresses, at most one per family, no duplicates (Kubernetes' validatePodIPs / validateHostIPs).
    static func validateIPList(_ ips: [String], _ path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        var families: [IPAddress.Family] = []
        for (index, ip) in ips.enumerated() {
            if let address = IPAddress(ip) { families.append(address.family) } else { errors += IPChecks.validIP(ip, path.index(index)) }
        }
        guard ips.count > 1 else { return errors }
        if !IPChecks.isDualStack(families) || ips.count > 2 {
            errors.append(.invalid(path, ips, "may specify no more than one IP for each IP family"))
        }
        var seen: Set<String> = []
        for (index, ip) in ips.enumerated() where !seen.insert(ip).inserted {
            errors.append(.duplicate(path.index(index), ip))
        }
        return errors
    }
}
