// Kubernetes' ValidateService and validateServicePort (pkg/apis/core/validation), rule for rule and message for
// message. Two deliberate differences, both because Skiff validates *before* its allocators run (Kubernetes
// allocates first): a LoadBalancer Service with externalTrafficPolicy Local may omit healthCheckNodePort, and
// clusterIP/clusterIPs may be empty (the allocator fills them).

extension Service {
    static let supportedTypes = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]
    static let sessionAffinities = ["ClientIP", "None"]
    static let trafficPolicies = ["Cluster", "Local"]
    static let ipFamilyPolicies = ["PreferDualStack", "RequireDualStack", "SingleStack"]
    static let ipFamilies = ["IPv4", "IPv6"]
    static let trafficDistributions = ["PreferClose", "PreferSameNode", "PreferSameZone"]
    /// Kubernetes' MaxClientIPServiceAffinitySeconds (one day).
    static let maxClientIPAffinitySeconds = 86400

    /// Validates a Service as a create would.
    public func validate() -> [FieldError] {
        var service = self
        service.normalizeClusterIPs(from: nil)
        return service.validateNormalized()
    }

    /// Validates a Service after the strategy's normalization (clusterIPs follows clusterIP).
    func validateNormalized() -> [FieldError] {
        let spec = self.spec ?? ServiceSpec()
        let specPath = FieldPath.root("spec"), portsPath = specPath.child("ports")
        var errors = metadata.validate(namespaced: true, names: .dns1035Label)
        let type = spec.type ?? "", ports = spec.ports ?? [], headless = hasHeadlessClusterIPs

        if ports.isEmpty && !headless && type != ServiceType.externalName {
            errors.append(.required(portsPath))
        }
        if headless && (type == ServiceType.loadBalancer || type == ServiceType.nodePort) {
            errors.append(.invalid(specPath.child("clusterIPs").index(0), Self.headlessClusterIP, "may not be set to 'None' for \(type) services"))
        }
        if type == ServiceType.externalName { errors += validateExternalName(spec, specPath) }

        var portNames: Set<String> = []
        for (index, port) in ports.enumerated() {
            errors += Self.validatePort(port, requireName: ports.count > 1, names: &portNames, portsPath.index(index))
        }
        if let selector = spec.selector { errors += Checks.labels(selector, specPath.child("selector")) }
        errors += validateSessionAffinity(spec, specPath)
        errors += validateClusterIPsRelatedFields()
        for (index, ip) in (spec.externalIPs ?? []).enumerated() {
            let path = specPath.child("externalIPs").index(index)
            let invalid = IPChecks.validIP(ip, path)
            errors += invalid.isEmpty ? IPChecks.nonSpecialIP(ip, path) : invalid
        }
        errors += Checks.oneOf(spec.type, Self.supportedTypes, specPath.child("type"))
        errors += Self.validateNodePorts(ports, type: type, portsPath)
        errors += validateLoadBalancerFields(spec, specPath)
        errors += validateTrafficPolicies(spec, specPath)
        return errors
    }

    private func validateExternalName(_ spec: ServiceSpec, _ specPath: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        if !(spec.clusterIPs ?? []).isEmpty {
            errors.append(.forbidden(specPath.child("clusterIPs"), "may not be set for ExternalName services"))
        }
        if !(spec.ipFamilies ?? []).isEmpty {
            errors.append(.forbidden(specPath.child("ipFamilies"), "may not be set for ExternalName services"))
        }
        if spec.ipFamilyPolicy != nil {
            errors.append(.forbidden(specPath.child("ipFamilyPolicy"), "may not be set for ExternalName services"))
        }
        // The value is a CNAME and may end in a dot to mark it fully qualified.
        var cname = spec.externalName ?? ""
        if cname.hasSuffix(".") { cname.removeLast() }
        if cname.isEmpty {
            errors.append(.required(specPath.child("externalName")))
        } else {
            errors += Checks.dns1123Subdomain(cname, specPath.child("externalName"))
        }
        return errors
    }

    /// Kubernetes' validateServicePort: names are DNS-1123 labels (not IANA service names: that rule is for
    /// container ports), unique, and required once there is more than one port.
    static func validatePort(_ port: ServicePort, requireName: Bool, names: inout Set<String>, _ path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        let name = port.name ?? ""
        if requireName && name.isEmpty {
            errors.append(.required(path.child("name")))
        } else if !name.isEmpty {
            errors += Checks.dns1123Label(name, path.child("name"))
            if !names.insert(name).inserted { errors.append(.duplicate(path.child("name"), name)) }
        }
        errors += Checks.portNumber(port.port, path.child("port"))
        errors += Checks.oneOf(port.protocol, Checks.protocols, path.child("protocol"))
        errors += Checks.portNumOrName(port.targetPort, path.child("targetPort"))
        if let appProtocol = port.appProtocol { errors += Checks.qualifiedName(appProtocol, path.child("appProtocol")) }
        return errors
    }

    private func validateSessionAffinity(_ spec: ServiceSpec, _ specPath: FieldPath) -> [FieldError] {
        var errors = Checks.oneOf(spec.sessionAffinity, Self.sessionAffinities, specPath.child("sessionAffinity"))
        let configPath = specPath.child("sessionAffinityConfig")
        switch spec.sessionAffinity {
        case "ClientIP":
            let clientIPPath = configPath.child("clientIP"), timeoutPath = clientIPPath.child("timeoutSeconds")
            let why = "when session affinity type is ClientIP"
            if spec.sessionAffinityConfig == nil {
                errors.append(.required(configPath, why))
            } else if spec.sessionAffinityConfig?.clientIP == nil {
                errors.append(.required(clientIPPath, why))
            } else if let timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds {
                if timeout <= 0 || timeout > Self.maxClientIPAffinitySeconds {
                    errors.append(.invalid(timeoutPath, timeout, "must be greater than 0 and less than \(Self.maxClientIPAffinitySeconds)"))
                }
            } else {
                errors.append(.required(timeoutPath, why))
            }
        case "None":
            if spec.sessionAffinityConfig != nil { errors.append(.forbidden(configPath, "must not be set when session affinity is None")) }
        default:
            break
        }
        return errors
    }

    /// nodePort only where the type opens node ports; no two ports share a (protocol, nodePort) or (protocol, port).
    /// The node-port range is the allocator's to enforce; here a value must only be a port number at all.
    static func validateNodePorts(_ ports: [ServicePort], type: String, _ portsPath: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        var nodePorts: Set<String> = [], servicePorts: Set<String> = []
        for (index, port) in ports.enumerated() {
            let path = portsPath.index(index)
            let proto = port.protocol ?? ""
            if let nodePort = port.nodePort, nodePort != 0 {
                if type == ServiceType.clusterIP || type == ServiceType.externalName {
                    errors.append(.forbidden(path.child("nodePort"), "may not be used when `type` is '\(type)'"))
                } else if !(0...65535).contains(nodePort) {
                    errors.append(.invalid(path.child("nodePort"), nodePort, Validation.inclusiveRangeError(0, 65535)))
                }
                if !nodePorts.insert("\(proto)/\(nodePort)").inserted { errors.append(.duplicate(path.child("nodePort"), nodePort)) }
            }
            let key = "\(port.port)/\(proto)"
            if !servicePorts.insert(key).inserted { errors.append(.duplicate(path, rendered: key)) }
        }
        return errors
    }

    private func validateLoadBalancerFields(_ spec: ServiceSpec, _ specPath: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        let isLoadBalancer = spec.type == ServiceType.loadBalancer
        if let ranges = spec.loadBalancerSourceRanges, !ranges.isEmpty {
            let path = specPath.child("loadBalancerSourceRanges")
            if !isLoadBalancer { errors.append(.forbidden(path, "may only be used when `type` is 'LoadBalancer'")) }
            for (index, range) in ranges.enumerated() {
                // Space padding is tolerated, a leftover of the annotation this field replaced.
                errors += IPChecks.validCIDR(range.trimmingSpaces, path.index(index))
            }
        }
        let allocatePath = specPath.child("allocateLoadBalancerNodePorts")
        if spec.allocateLoadBalancerNodePorts != nil && !isLoadBalancer {
            errors.append(.forbidden(allocatePath, "may only be used when `type` is 'LoadBalancer'"))
        }
        if isLoadBalancer && spec.allocateLoadBalancerNodePorts == nil { errors.append(.required(allocatePath)) }
        return errors
    }

    private func validateTrafficPolicies(_ spec: ServiceSpec, _ specPath: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        let externalPath = specPath.child("externalTrafficPolicy")
        if isExternallyAccessible {
            errors += Checks.oneOf(spec.externalTrafficPolicy, Self.trafficPolicies, externalPath)
        } else if let policy = spec.externalTrafficPolicy, !policy.isEmpty {
            errors.append(.invalid(externalPath, policy, "may only be set for externally-accessible services"))
        }
        let healthPath = specPath.child("healthCheckNodePort")
        if let healthCheckNodePort = spec.healthCheckNodePort, healthCheckNodePort != 0 {
            if needsHealthCheck {
                errors += Checks.portNumber(healthCheckNodePort, healthPath)
            } else {
                errors.append(.invalid(healthPath, healthCheckNodePort, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"))
            }
        }
        let internalPath = specPath.child("internalTrafficPolicy")
        if let policy = spec.internalTrafficPolicy {
            if !Self.trafficPolicies.contains(policy) { errors.append(.notSupported(internalPath, policy, Self.trafficPolicies)) }
        } else if [ServiceType.clusterIP, ServiceType.nodePort, ServiceType.loadBalancer].contains(spec.type ?? "") {
            errors.append(.required(internalPath))
        }
        if let distribution = spec.trafficDistribution, !Self.trafficDistributions.contains(distribution) {
            errors.append(.notSupported(specPath.child("trafficDistribution"), distribution, Self.trafficDistributions))
        }
        return errors
    }

    /// Kubernetes' ValidateLoadBalancerStatus, plus the condition shape.
    func validateStatus() -> [FieldError] {
        var errors: [FieldError] = []
        let ingressPath = FieldPath.root("status").child("loadBalancer", "ingress")
        for (index, ingress) in (status?.loadBalancer?.ingress ?? []).enumerated() {
            let path = ingressPath.index(index)
            if let ip = ingress.ip, !ip.isEmpty { errors += IPChecks.validIP(ip, path.child("ip")) }
            if let hostname = ingress.hostname, !hostname.isEmpty {
                errors += Checks.dns1123Subdomain(hostname, path.child("hostname"))
                if IPAddress(hostname) != nil {
                    errors.append(.invalid(path.child("hostname"), hostname, "must be a DNS name, not an IP address"))
                }
            }
        }
        errors += ConditionChecks.validate((status?.conditions ?? []).map { ($0.type, $0.status) }, FieldPath.root("status").child("conditions"))
        return errors
    }

    /// NodePort and LoadBalancer Services, and ClusterIP Services with external IPs, take traffic from outside.
    var isExternallyAccessible: Bool {
        let type = serviceType
        return type == ServiceType.loadBalancer || type == ServiceType.nodePort
            || (type == ServiceType.clusterIP && !(spec?.externalIPs ?? []).isEmpty)
    }

    var needsHealthCheck: Bool { serviceType == ServiceType.loadBalancer && spec?.externalTrafficPolicy == "Local" }

    /// Headless as Kubernetes decides it after normalization: clusterIPs is exactly ["None"].
    var hasHeadlessClusterIPs: Bool { spec?.clusterIPs == [Self.headlessClusterIP] }
}

extension String {
    /// Trims spaces and tabs at both ends without Foundation's character sets.
    var trimmingSpaces: String {
        let isSpace = { (c: Character) in c == " " || c == "\t" || c == "\n" || c == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
