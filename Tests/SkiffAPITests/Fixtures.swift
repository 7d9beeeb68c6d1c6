import Foundation
@testable import SkiffAPI
import Testing

/// A named table row: the name is what Swift Testing shows for the case.
struct Row<Input: Sendable>: Sendable, CustomTestStringConvertible {
    let name: String
    let input: Input
    /// The exact error messages expected (empty: valid).
    let errors: [String]

    init(_ name: String, _ input: Input, _ errors: [String] = []) {
        self.name = name
        self.input = input
        self.errors = errors
    }

    var testDescription: String { name }
}

typealias ServiceEdit = @Sendable (inout Service) -> Void
typealias PodEdit = @Sendable (inout Pod) -> Void

enum Fixtures {
    static let created = Timestamp(Date(timeIntervalSince1970: 1_790_000_000))

    /// A Service as a user writes it: a selector and one named port. Not defaulted.
    static func serviceManifest(_ name: String = "web") -> Service {
        Service(metadata: ObjectMeta(name: name, namespace: "default"),
                spec: ServiceSpec(selector: ["app": "web"], ports: [ServicePort(name: "http", port: 80)]))
    }

    /// The manifest after `edit`, defaulted: what the apiserver validates on create.
    static func service(_ edit: ServiceEdit = { _ in }) -> Service {
        var service = serviceManifest()
        edit(&service)
        service.setDefaults()
        return service
    }

    /// A Service as stored: defaulted, allocated (clusterIP 10.96.0.10), with server-set metadata.
    static func storedService(_ edit: ServiceEdit = { _ in }) -> Service {
        var service = serviceManifest()
        edit(&service)
        service.setDefaults()
        if service.serviceType != Service.ServiceType.externalName && (service.spec?.clusterIP ?? "").isEmpty {
            service.spec?.clusterIP = "10.96.0.10"
        }
        if let ip = service.spec?.clusterIP, (service.spec?.clusterIPs ?? []).isEmpty { service.spec?.clusterIPs = [ip] }
        stamp(&service.metadata)
        return service
    }

    static func stamp(_ metadata: inout ObjectMeta) {
        metadata.uid = "6f1d0c3e-0000-4000-8000-000000000001"
        metadata.resourceVersion = "7"
        metadata.generation = 1
        metadata.creationTimestamp = created
    }

    static func container(_ name: String = "web", image: String = "nginx:1.25", ports: [ContainerPort]? = [ContainerPort(name: "http", containerPort: 8080)]) -> Container {
        Container(name: name, image: image, ports: ports)
    }

    static func podManifest(_ name: String = "web-0") -> Pod {
        Pod(metadata: ObjectMeta(name: name, namespace: "default", labels: ["app": "web"]), spec: PodSpec(containers: [container()]))
    }

    /// A Pod manifest after `edit`, defaulted.
    static func pod(_ edit: PodEdit = { _ in }) -> Pod {
        var pod = podManifest()
        edit(&pod)
        pod.setDefaults()
        return pod
    }

    static func storedPod(_ edit: PodEdit = { _ in }) -> Pod {
        var pod = pod(edit)
        stamp(&pod.metadata)
        pod.status = PodStatus(phase: "Pending")
        return pod
    }

    static func httpProbe(port: IntOrString = .string("http")) -> Probe {
        var probe = Probe()
        probe.httpGet = HTTPGetAction(path: "/healthz", port: port)
        return probe
    }

    static func tcpProbe(port: IntOrString) -> Probe {
        var probe = Probe()
        probe.tcpSocket = TCPSocketAction(port: port)
        return probe
    }

    static func execProbe(_ command: [String]?) -> Probe {
        var probe = Probe()
        probe.exec = ExecAction(command: command)
        return probe
    }
}

extension Array where Element == FieldError {
    var messages: [String] { map(\.description) }
}

/// The message lists of Kubernetes' name rules, spelled out once.
enum Messages {
    static let dns1123Label = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    static let dns1123Subdomain = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    static let dns1035Label = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
    static let qualifiedNamePart = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
    static let labelValue = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
    static let ip = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
    static let portRange = "must be between 1 and 65535, inclusive"
    static let podUpdate = "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"
}
