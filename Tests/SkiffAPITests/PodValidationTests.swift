@testable import SkiffAPI
import Testing

/// Each row edits the standard Pod manifest (one container `web`, image nginx:1.25, port http/8080), defaults
/// it, and validates it.
@Suite struct PodValidationTests {
    static let valid: [Row<PodEdit>] = [
        Row("plain", { _ in }),
        Row("readiness probe on a named port", { $0.spec?.containers[0].readinessProbe = Fixtures.httpProbe() }),
        Row("liveness tcp probe by number", { $0.spec?.containers[0].livenessProbe = Fixtures.tcpProbe(port: .int(8080)) }),
        Row("exec startup probe", { $0.spec?.containers[0].startupProbe = Fixtures.execProbe(["true"]) }),
        Row("readiness successThreshold above 1", { $0.spec?.containers[0].readinessProbe = Fixtures.httpProbe(); $0.spec?.containers[0].readinessProbe?.successThreshold = 3 }),
        Row("two containers may reuse a port name", { $0.spec?.containers.append(Fixtures.container("sidecar", ports: [ContainerPort(name: "http", containerPort: 9090)])) }),
        Row("nodeName, hostname and subdomain", { $0.spec?.nodeName = "node-1.example"; $0.spec?.hostname = "web-0"; $0.spec?.subdomain = "web" }),
        Row("init container", { $0.spec?.initContainers = [Fixtures.container("setup", ports: nil)] }),
        Row("restartPolicy Never", { $0.spec?.restartPolicy = "Never" }),
        Row("env", { $0.spec?.containers[0].env = [EnvVar(name: "MY_VAR", value: "1")] }),
        Row("hostNetwork defaults hostPort", { $0.spec?.hostNetwork = true }),
        Row("activeDeadlineSeconds", { $0.spec?.activeDeadlineSeconds = 600 }),
        Row("no image: Skiff runs the command as a process", { $0.spec?.containers[0].image = nil; $0.spec?.containers[0].command = ["sleep", "60"] }),
    ]

    @Test(arguments: valid)
    func validPods(_ row: Row<PodEdit>) {
        #expect(Fixtures.pod(row.input).validate().messages == [])
    }

    static let containers = "spec.containers[0]"

    static let invalid: [Row<PodEdit>] = [
        Row("no containers", { $0.spec?.containers = [] }, ["spec.containers: Required value"]),
        Row("container name not a label", { $0.spec?.containers[0].name = "Web" }, ["\(containers).name: Invalid value: \"Web\": " + Messages.dns1123Label]),
        Row("container name missing", { $0.spec?.containers[0].name = "" }, ["\(containers).name: Required value"]),
        Row("duplicate container names", { $0.spec?.containers.append(Fixtures.container(ports: nil)) },
            ["spec.containers[1].name: Duplicate value: \"web\""]),
        Row("image with spaces", { $0.spec?.containers[0].image = " nginx" },
            ["\(containers).image: Invalid value: \" nginx\": must not have leading or trailing whitespace"]),
        Row("containerPort missing", { $0.spec?.containers[0].ports = [ContainerPort(containerPort: 0)] },
            ["\(containers).ports[0].containerPort: Required value"]),
        Row("containerPort out of range", { $0.spec?.containers[0].ports = [ContainerPort(containerPort: 70000)] },
            ["\(containers).ports[0].containerPort: Invalid value: 70000: " + Messages.portRange]),
        Row("port name not an IANA name", { $0.spec?.containers[0].ports?[0].name = "HTTP" }, [
            "\(containers).ports[0].name: Invalid value: \"HTTP\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
            "\(containers).ports[0].name: Invalid value: \"HTTP\": must contain at least one letter (a-z)",
        ]),
        Row("port name too long for IANA", { $0.spec?.containers[0].ports?[0].name = "a-rather-long-name" },
            ["\(containers).ports[0].name: Invalid value: \"a-rather-long-name\": must be no more than 15 characters"]),
        Row("duplicate port names in a container", { $0.spec?.containers[0].ports?.append(ContainerPort(name: "http", containerPort: 8081)) },
            ["\(containers).ports[1].name: Duplicate value: \"http\""]),
        Row("unknown protocol", { $0.spec?.containers[0].ports?[0].protocol = "ICMP" },
            ["\(containers).ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\""]),
        Row("host ports collide", {
            $0.spec?.containers[0].ports?[0].hostPort = 80
            var sidecar = Fixtures.container("sidecar", ports: [ContainerPort(containerPort: 9090)])
            sidecar.ports?[0].hostPort = 80
            $0.spec?.containers.append(sidecar)
        }, ["spec.containers[1].ports[0].hostPort: Duplicate value: \"TCP//80\""]),
        Row("probe without a handler", { $0.spec?.containers[0].readinessProbe = Probe() },
            ["\(containers).readinessProbe: Required value: must specify a handler type"]),
        Row("probe with two handlers", {
            var probe = Fixtures.execProbe(["true"])
            probe.tcpSocket = TCPSocketAction(port: .int(8080))
            $0.spec?.containers[0].readinessProbe = probe
        }, ["\(containers).readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"]),
        Row("httpGet port zero", { $0.spec?.containers[0].readinessProbe = Fixtures.httpProbe(port: .int(0)) },
            ["\(containers).readinessProbe.httpGet.port: Invalid value: 0: " + Messages.portRange]),
        Row("httpGet port name invalid", { $0.spec?.containers[0].readinessProbe = Fixtures.httpProbe(port: .string("Metrics")) }, [
            "\(containers).readinessProbe.httpGet.port: Invalid value: \"Metrics\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
        ]),
        Row("httpGet scheme", { $0.spec?.containers[0].readinessProbe = Fixtures.httpProbe(); $0.spec?.containers[0].readinessProbe?.httpGet?.scheme = "FTP" },
            ["\(containers).readinessProbe.httpGet.scheme: Unsupported value: \"FTP\": supported values: \"HTTP\", \"HTTPS\""]),
        Row("tcpSocket port out of range", { $0.spec?.containers[0].livenessProbe = Fixtures.tcpProbe(port: .int(65536)) },
            ["\(containers).livenessProbe.tcpSocket.port: Invalid value: 65536: " + Messages.portRange]),
        Row("exec without a command", { $0.spec?.containers[0].readinessProbe = Fixtures.execProbe([]) },
            ["\(containers).readinessProbe.exec.command: Required value"]),
        Row("negative period", { $0.spec?.containers[0].readinessProbe = Fixtures.httpProbe(); $0.spec?.containers[0].readinessProbe?.periodSeconds = -1 },
            ["\(containers).readinessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0"]),
        Row("negative initial delay", { $0.spec?.containers[0].readinessProbe = Fixtures.httpProbe(); $0.spec?.containers[0].readinessProbe?.initialDelaySeconds = -5 },
            ["\(containers).readinessProbe.initialDelaySeconds: Invalid value: -5: must be greater than or equal to 0"]),
        Row("liveness successThreshold must be 1", { $0.spec?.containers[0].livenessProbe = Fixtures.httpProbe(); $0.spec?.containers[0].livenessProbe?.successThreshold = 2 },
            ["\(containers).livenessProbe.successThreshold: Invalid value: 2: must be 1"]),
        Row("readiness terminationGracePeriodSeconds", { $0.spec?.containers[0].readinessProbe = Fixtures.httpProbe(); $0.spec?.containers[0].readinessProbe?.terminationGracePeriodSeconds = 5 },
            ["\(containers).readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes"]),
        Row("unknown restartPolicy", { $0.spec?.restartPolicy = "Sometimes" },
            ["spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\""]),
        Row("unknown dnsPolicy", { $0.spec?.dnsPolicy = "Cluster" },
            ["spec.dnsPolicy: Unsupported value: \"Cluster\": supported values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\""]),
        Row("nodeName not a subdomain", { $0.spec?.nodeName = "Node_1" }, ["spec.nodeName: Invalid value: \"Node_1\": " + Messages.dns1123Subdomain]),
        Row("hostname with dots", { $0.spec?.hostname = "web.0" }, ["spec.hostname: Invalid value: \"web.0\": must not contain dots"]),
        Row("subdomain not a label", { $0.spec?.subdomain = "Web" }, ["spec.subdomain: Invalid value: \"Web\": " + Messages.dns1123Label]),
        Row("activeDeadlineSeconds zero", { $0.spec?.activeDeadlineSeconds = 0 },
            ["spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive"]),
        Row("env name", { $0.spec?.containers[0].env = [EnvVar(name: "1VAR")] }, [
            "\(containers).env[0].name: Invalid value: \"1VAR\": a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
        ]),
        Row("init container with a probe", { var setup = Fixtures.container("setup", ports: nil); setup.readinessProbe = Fixtures.httpProbe(); $0.spec?.initContainers = [setup] },
            ["spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always"]),
        Row("init container named like a container", { $0.spec?.initContainers = [Fixtures.container(ports: nil)] },
            ["spec.initContainers[0].name: Duplicate value: \"web\""]),
        Row("hostNetwork with a different hostPort", { $0.spec?.hostNetwork = true; $0.spec?.containers[0].ports?[0].hostPort = 80 },
            ["\(containers).ports[0].hostPort: Invalid value: 80: must match `containerPort` when `hostNetwork` is true"]),
        Row("nodeSelector value", { $0.spec?.nodeSelector = ["zone": "a b"] }, ["spec.nodeSelector: Invalid value: \"a b\": " + Messages.labelValue]),
    ]

    @Test(arguments: invalid)
    func invalidPods(_ row: Row<PodEdit>) {
        #expect(Fixtures.pod(row.input).validate().messages == row.errors)
    }

    @Test func undefaultedPodMissesWhatDefaultingFills() {
        #expect(Fixtures.podManifest().validate().messages == [
            "spec.terminationGracePeriodSeconds: Required value",
            "spec.containers[0].terminationMessagePolicy: Required value",
            "spec.containers[0].ports[0].protocol: Required value",
            "spec.containers[0].imagePullPolicy: Required value",
            "spec.restartPolicy: Required value",
            "spec.dnsPolicy: Required value",
        ])
    }

    @Test func zeroProbeCountsAreBelowTheMinimumWhenNotDefaulted() {
        var probe = Fixtures.httpProbe()
        probe.httpGet?.scheme = "HTTP"
        probe.periodSeconds = 0
        #expect(probe.validate(.root("p")).messages == ["p.periodSeconds: Invalid value: 0: must be greater than or equal to 1"])
    }

    static let statuses: [Row<PodStatus>] = [
        Row("running and ready", PodStatus(phase: "Running", conditions: [PodCondition(type: "Ready", status: "True")], podIP: "10.244.1.5")),
        Row("custom condition type", PodStatus(conditions: [PodCondition(type: "example.com/Warm", status: "False")])),
        Row("unknown phase", PodStatus(phase: "Done"),
            ["status.phase: Unsupported value: \"Done\": supported values: \"Pending\", \"Running\", \"Succeeded\", \"Failed\", \"Unknown\""]),
        Row("podIP invalid", PodStatus(podIP: "10.244.1.300"), ["status.podIP: Invalid value: \"10.244.1.300\": " + Messages.ip]),
        Row("condition status", PodStatus(conditions: [PodCondition(type: "Ready", status: "Maybe")]),
            ["status.conditions[0].status: Unsupported value: \"Maybe\": supported values: \"False\", \"True\", \"Unknown\""]),
        Row("condition type missing", PodStatus(conditions: [PodCondition(type: "", status: "True")]), ["status.conditions[0].type: Required value"]),
        Row("condition type invalid", PodStatus(conditions: [PodCondition(type: "warm up", status: "True")]),
            ["status.conditions[0].type: Invalid value: \"warm up\": " + Messages.qualifiedNamePart]),
        Row("condition twice", PodStatus(conditions: [PodCondition(type: "Ready", status: "True"), PodCondition(type: "Ready", status: "False")]),
            ["status.conditions[1].type: Duplicate value: \"Ready\""]),
    ]

    @Test(arguments: statuses)
    func podStatus(_ row: Row<PodStatus>) {
        var pod = Fixtures.pod()
        pod.status = row.input
        #expect(pod.validateStatus().messages == row.errors)
    }

    @Test func podIPsOnePerFamily() {
        var pod = Fixtures.pod()
        pod.status = PodStatus(podIP: "10.244.1.5")
        pod.status?.podIPs = [PodIP(ip: "10.244.1.5"), PodIP(ip: "10.244.1.6")]
        #expect(pod.validateStatus().messages == [
            "status.podIPs: Invalid value: []string{\"10.244.1.5\", \"10.244.1.6\"}: may specify no more than one IP for each IP family",
        ])
        pod.status?.podIPs = [PodIP(ip: "10.244.1.5"), PodIP(ip: "fd00::5")]
        #expect(pod.validateStatus().isEmpty)
    }
}
