extension Pod {
    public static let defaultTerminationGracePeriodSeconds: Int64 = 30
    public static let defaultSchedulerName = "default-scheduler"

    /// Kubernetes' SetDefaults_PodSpec, SetDefaults_Container and SetDefaults_Probe: restartPolicy Always,
    /// dnsPolicy ClusterFirst, terminationGracePeriodSeconds 30, schedulerName default-scheduler; per container
    /// imagePullPolicy (Always for `:latest` or untagged images, else IfNotPresent), terminationMessagePath and
    /// Policy, port protocol TCP (and hostPort = containerPort with hostNetwork); probe timeoutSeconds 1,
    /// periodSeconds 10, successThreshold 1, failureThreshold 3 (zero counts as unset, as in Kubernetes), and
    /// httpGet path "/" and scheme HTTP.
    public mutating func setDefaults() {
        // A manifest without a spec gets an empty one, so validation reports the one thing missing: containers.
        var spec = self.spec ?? PodSpec(containers: [])
        if spec.dnsPolicy?.isEmpty ?? true { spec.dnsPolicy = "ClusterFirst" }
        if spec.restartPolicy?.isEmpty ?? true { spec.restartPolicy = "Always" }
        if spec.terminationGracePeriodSeconds == nil { spec.terminationGracePeriodSeconds = Self.defaultTerminationGracePeriodSeconds }
        if spec.schedulerName?.isEmpty ?? true { spec.schedulerName = Self.defaultSchedulerName }
        let hostNetwork = spec.hostNetwork ?? false
        for index in spec.containers.indices { spec.containers[index].setDefaults(hostNetwork: hostNetwork) }
        if var initContainers = spec.initContainers {
            for index in initContainers.indices { initContainers[index].setDefaults(hostNetwork: hostNetwork) }
            spec.initContainers = initContainers
        }
        self.spec = spec
    }
}

extension Container {
    public static let defaultTerminationMessagePath = "/dev/termination-log"

    mutating func setDefaults(hostNetwork: Bool) {
        if imagePullPolicy?.isEmpty ?? true {
            imagePullPolicy = Self.imageTag(image ?? "") == "latest" ? "Always" : "IfNotPresent"
        }
        if terminationMessagePath?.isEmpty ?? true { terminationMessagePath = Self.defaultTerminationMessagePath }
        if terminationMessagePolicy?.isEmpty ?? true { terminationMessagePolicy = "File" }
        if var ports {
            for index in ports.indices {
                if ports[index].protocol?.isEmpty ?? true { ports[index].protocol = "TCP" }
                if hostNetwork && (ports[index].hostPort ?? 0) == 0 { ports[index].hostPort = ports[index].containerPort }
            }
            self.ports = ports
        }
        livenessProbe?.setDefaults()
        readinessProbe?.setDefaults()
        startupProbe?.setDefaults()
    }

    /// The tag of an image reference: `latest` when it names neither a tag nor a digest, nil for a digest alone.
    static func imageTag(_ image: String) -> String? {
        let parts = image.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        let name = parts.first.map(String.init) ?? ""
        let lastComponent = name.split(separator: "/").last ?? ""
        if let colon = lastComponent.lastIndex(of: ":") { return String(lastComponent[lastComponent.index(after: colon)...]) }
        return parts.count > 1 ? nil : "latest"
    }
}

extension Probe {
    mutating func setDefaults() {
        if (timeoutSeconds ?? 0) == 0 { timeoutSeconds = 1 }
        if (periodSeconds ?? 0) == 0 { periodSeconds = 10 }
        if (successThreshold ?? 0) == 0 { successThreshold = 1 }
        if (failureThreshold ?? 0) == 0 { failureThreshold = 3 }
        if httpGet != nil {
            if httpGet?.path?.isEmpty ?? true { httpGet?.path = "/" }
            if httpGet?.scheme?.isEmpty ?? true { httpGet?.scheme = "HTTP" }
        }
    }
}
