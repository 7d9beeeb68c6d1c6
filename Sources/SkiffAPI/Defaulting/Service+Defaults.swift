extension Service {
    /// Kubernetes' DefaultClientIPServiceAffinitySeconds (three hours).
    public static let defaultClientIPTimeoutSeconds = 10800

    /// Kubernetes' SetDefaults_Service: type ClusterIP; port protocol TCP and targetPort = port; sessionAffinity
    /// None (ClientIP gets a 10800 s timeout); internalTrafficPolicy Cluster (not for ExternalName);
    /// externalTrafficPolicy Cluster for externally reachable Services; allocateLoadBalancerNodePorts true for
    /// LoadBalancer.
    ///
    /// IP families, which Kubernetes' registry fills while allocating, are filled here (Skiff is single-stack):
    /// every Service but ExternalName and selectorless headless ones gets ipFamilyPolicy SingleStack and
    /// ipFamilies from its clusterIP(s) if it names any, else [IPv4]. Two clusterIPs of different families give
    /// RequireDualStack, so a dual-stack request stays consistent.
    public mutating func setDefaults() {
        var spec = self.spec ?? ServiceSpec()
        if spec.sessionAffinity?.isEmpty ?? true { spec.sessionAffinity = "None" }
        if spec.sessionAffinity == "None" { spec.sessionAffinityConfig = nil }
        if spec.sessionAffinity == "ClientIP" && spec.sessionAffinityConfig?.clientIP?.timeoutSeconds == nil {
            spec.sessionAffinityConfig = SessionAffinityConfig(clientIP: ClientIPConfig(timeoutSeconds: Self.defaultClientIPTimeoutSeconds))
        }
        if spec.type?.isEmpty ?? true { spec.type = ServiceType.clusterIP }
        if var ports = spec.ports {
            for index in ports.indices {
                if ports[index].protocol?.isEmpty ?? true { ports[index].protocol = "TCP" }
                switch ports[index].targetPort {
                case nil, .int(0)?, .string("")?: ports[index].targetPort = .int(ports[index].port)
                default: break
                }
            }
            spec.ports = ports
        }
        self.spec = spec
        if isExternallyAccessible && (spec.externalTrafficPolicy?.isEmpty ?? true) { spec.externalTrafficPolicy = "Cluster" }
        let type = spec.type ?? ""
        if spec.internalTrafficPolicy == nil && [ServiceType.clusterIP, ServiceType.nodePort, ServiceType.loadBalancer].contains(type) {
            spec.internalTrafficPolicy = "Cluster"
        }
        if type == ServiceType.loadBalancer && spec.allocateLoadBalancerNodePorts == nil { spec.allocateLoadBalancerNodePorts = true }
        if type != ServiceType.externalName { Self.defaultIPFamilies(&spec) }
        self.spec = spec
    }

    private static func defaultIPFamilies(_ spec: inout ServiceSpec) {
        var ips = (spec.clusterIPs ?? []).filter { !$0.isEmpty }
        if ips.isEmpty, let clusterIP = spec.clusterIP, !clusterIP.isEmpty { ips = [clusterIP] }
        let headless = ips.first == headlessClusterIP
        if headless && (spec.selector ?? [:]).isEmpty { return }
        if spec.ipFamilies?.isEmpty ?? true {
            var families: [String] = []
            for ip in ips {
                if let family = IPAddress(ip)?.family.rawValue, !families.contains(family) { families.append(family) }
            }
            spec.ipFamilies = families.isEmpty ? ["IPv4"] : families
        }
        if spec.ipFamilyPolicy == nil {
            spec.ipFamilyPolicy = (spec.ipFamilies?.count ?? 0) > 1 ? "RequireDualStack" : "SingleStack"
        }
    }
}
