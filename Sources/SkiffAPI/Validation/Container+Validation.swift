// Kubernetes' validateContainerCommon, validateContainerPorts and the probe rules.

extension Container {
    static let terminationMessagePolicies = ["File", "FallbackToLogsOnError"]
    static let pullPolicies = ["Always", "IfNotPresent", "Never"]
    static let httpSchemes = ["HTTP", "HTTPS"]

    /// What every container (regular or init) must satisfy.
    func validateCommon(_ path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        if name.isEmpty {
            errors.append(.required(path.child("name")))
        } else {
            errors += Checks.dns1123Label(name, path.child("name"))
        }
        // Kubernetes requires an image; Skiff's kubelet runs a container's command as a process, so a Pod may
        // leave the image out. One that is given must still be a clean reference.
        if let image, image.trimmingSpaces.utf8.count != image.utf8.count {
            errors.append(.invalid(path.child("image"), image, "must not have leading or trailing whitespace"))
        }
        errors += Checks.oneOf(terminationMessagePolicy, Self.terminationMessagePolicies, path.child("terminationMessagePolicy"))
        errors += Self.validatePorts(ports ?? [], path.child("ports"))
        for (index, variable) in (env ?? []).enumerated() {
            let namePath = path.child("env").index(index).child("name")
            if variable.name.isEmpty {
                errors.append(.required(namePath))
            } else {
                errors += Checks.each(Validation.isEnvVarName(variable.name), variable.name, namePath)
            }
        }
        errors += Checks.oneOf(imagePullPolicy, Self.pullPolicies, path.child("imagePullPolicy"))
        return errors
    }

    /// Port names are IANA service names, unique within the container (as in Kubernetes: two containers of a
    /// Pod may reuse a name); containerPort is required; hostPort, when set, a port number.
    static func validatePorts(_ ports: [ContainerPort], _ path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        var names: Set<String> = []
        for (index, port) in ports.enumerated() {
            let item = path.index(index)
            if let name = port.name, !name.isEmpty {
                let messages = Validation.isValidPortName(name)
                if !messages.isEmpty {
                    errors += Checks.each(messages, name, item.child("name"))
                } else if !names.insert(name).inserted {
                    errors.append(.duplicate(item.child("name"), name))
                }
            }
            if port.containerPort == 0 {
                errors.append(.required(item.child("containerPort")))
            } else {
                errors += Checks.portNumber(port.containerPort, item.child("containerPort"))
            }
            if let hostPort = port.hostPort, hostPort != 0 { errors += Checks.portNumber(hostPort, item.child("hostPort")) }
            errors += Checks.oneOf(port.protocol, Checks.protocols, item.child("protocol"))
        }
        return errors
    }

    /// Two ports of the same protocol and host IP may not claim the same host port.
    static func hostPortConflicts(_ containers: [Container], _ path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        var seen: Set<String> = []
        for (index, container) in containers.enumerated() {
            for (portIndex, port) in (container.ports ?? []).enumerated() {
                guard let hostPort = port.hostPort, hostPort != 0 else { continue }
                let key = "\(port.protocol ?? "")/\(port.hostIP ?? "")/\(hostPort)"
                if !seen.insert(key).inserted {
                    errors.append(.duplicate(path.index(index).child("ports").index(portIndex).child("hostPort"), key))
                }
            }
        }
        return errors
    }

    /// Regular containers may have probes; plain init containers may not.
    func validateProbes(_ path: FieldPath, allowed: Bool) -> [FieldError] {
        let probes: [(String, Probe?)] = [("livenessProbe", livenessProbe), ("readinessProbe", readinessProbe), ("startupProbe", startupProbe)]
        var errors: [FieldError] = []
        for (field, probe) in probes {
            guard let probe else { continue }
            let probePath = path.child(field)
            guard allowed else {
                errors.append(.forbidden(probePath, "may not be set for init containers without restartPolicy=Always"))
                continue
            }
            errors += probe.validate(probePath)
            if field == "readinessProbe" {
                if let seconds = probe.terminationGracePeriodSeconds {
                    errors.append(.invalid(probePath.child("terminationGracePeriodSeconds"), seconds, "must not be set for readinessProbes"))
                }
            } else if (probe.successThreshold ?? 0) != 1 {
                errors.append(.invalid(probePath.child("successThreshold"), probe.successThreshold ?? 0, "must be 1"))
            }
        }
        return errors
    }
}

extension Probe {
    /// Exactly one handler; counts and durations not negative. Zero means "use the default" for the counts
    /// (defaulting replaces it), so an undefaulted zero is reported against the documented minimum of 1.
    func validate(_ path: FieldPath) -> [FieldError] {
        var errors = validateHandler(path)
        errors += Checks.nonNegative(initialDelaySeconds, path.child("initialDelaySeconds"))
        let counts = [("timeoutSeconds", timeoutSeconds), ("periodSeconds", periodSeconds),
                      ("successThreshold", successThreshold), ("failureThreshold", failureThreshold)]
        for (field, value) in counts {
            guard let value else { continue }
            if value < 0 {
                errors += Checks.nonNegative(value, path.child(field))
            } else if value == 0 {
                errors.append(.invalid(path.child(field), value, "must be greater than or equal to 1"))
            }
        }
        if let seconds = terminationGracePeriodSeconds, seconds <= 0 {
            errors.append(.invalid(path.child("terminationGracePeriodSeconds"), seconds, "must be greater than 0"))
        }
        return errors
    }

    private func validateHandler(_ path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        var handlers = 0
        func handler(_ field: String, _ present: Bool, _ check: () -> [FieldError]) {
            guard present else { return }
            if handlers > 0 {
                errors.append(.forbidden(path.child(field), "may not specify more than 1 handler type"))
            } else {
                handlers += 1
                errors += check()
            }
        }
        handler("exec", exec != nil) {
            (exec?.command ?? []).isEmpty ? [.required(path.child("exec", "command"))] : []
        }
        handler("httpGet", httpGet != nil) { httpGet.map { $0.validate(at: path.child("httpGet")) } ?? [] }
        handler("tcpSocket", tcpSocket != nil) { Checks.portNumOrName(tcpSocket?.port, path.child("tcpSocket", "port")) }
        handler("grpc", grpc != nil) { Checks.portNumber(grpc?.port ?? 0, path.child("grpc", "port")) }
        if handlers == 0 { errors.append(.required(path, "must specify a handler type")) }
        return errors
    }
}

extension HTTPGetAction {
    func validate(at fieldPath: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        if path?.isEmpty ?? true { errors.append(.required(fieldPath.child("path"))) }
        errors += Checks.portNumOrName(port, fieldPath.child("port"))
        let scheme = self.scheme ?? ""
        if !Container.httpSchemes.contains(scheme) { errors.append(.notSupported(fieldPath.child("scheme"), scheme, Container.httpSchemes)) }
        for header in httpHeaders ?? [] {
            errors += Checks.each(Validation.isHTTPHeaderName(header.name), header.name, fieldPath.child("httpHeaders"))
        }
        return errors
    }
}
