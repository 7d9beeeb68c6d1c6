import EndpointsController
import Foundation
import SkiffAPI
import Testing

/// Builders for the objects the tests feed the reconciler.
enum Fixture {
    static let namespace = "default"
    static let key = (namespace: namespace, name: "web")

    static func service(
        name: String = "web", selector: [String: String]? = ["app": "web"],
        ports: [ServicePort] = [ServicePort(name: "http", protocol: "TCP", port: 80, targetPort: .int(8080))],
        clusterIP: String = "10.96.0.10", type: String? = nil, publishNotReady: Bool = false,
        labels: [String: String]? = nil
    ) -> Service {
        var metadata = ObjectMeta(name: name, namespace: namespace, labels: labels)
        metadata.uid = "uid-\(name)"
        var spec = ServiceSpec(type: type, selector: selector, ports: ports, clusterIP: clusterIP)
        spec.ipFamilies = ["IPv4"]
        spec.publishNotReadyAddresses = publishNotReady
        return Service(metadata: metadata, spec: spec)
    }

    static func pod(
        _ name: String, ip: String? = nil, ready: Bool = true, labels: [String: String] = ["app": "web"],
        node: String? = "node-1", terminating: Bool = false, phase: String = "Running",
        ports: [ContainerPort] = [], hostname: String? = nil, subdomain: String? = nil, namespace: String = namespace
    ) -> Pod {
        var metadata = ObjectMeta(name: name, namespace: namespace, labels: labels)
        metadata.uid = "uid-\(name)"
        if terminating { metadata.deletionTimestamp = Timestamp(Date(timeIntervalSince1970: 1_800_000_000)) }
        var spec = PodSpec(containers: [Container(name: "main", ports: ports)], nodeName: node)
        spec.hostname = hostname
        spec.subdomain = subdomain
        let condition = PodCondition(type: "Ready", status: ready ? "True" : "False")
        return Pod(metadata: metadata, spec: spec, status: PodStatus(phase: phase, conditions: [condition], podIP: ip))
    }

    /// `count` ready Pods named pod-000... with IPs 10.244.x.y.
    static func pods(_ count: Int, from start: Int = 0) -> [Pod] {
        (start..<start + count).map { pod(String(format: "pod-%03d", $0), ip: "10.244.\($0 / 250).\($0 % 250 + 1)") }
    }

    static func address(_ pod: String, _ ip: String, node: String? = "node-1", hostname: String? = nil) -> EndpointAddress {
        EndpointAddress(ip: ip, hostname: hostname, nodeName: node,
                        targetRef: ObjectReference(kind: "Pod", namespace: namespace, name: pod, uid: "uid-\(pod)"))
    }
}

/// A stand-in for the apiserver: applies plans to stored objects, naming created slices from generateName with
/// a counter (the real server appends 5 random characters), so the next plan sees what a real cluster would.
struct FakeCluster {
    var endpoints: Endpoints?
    var slices: [String: EndpointSlice] = [:]
    private var nextName = 0
    private var nextVersion = 1

    var sliceList: [EndpointSlice] { slices.values.sorted { $0.name < $1.name } }

    @discardableResult
    mutating func plan(_ service: Service?, pods: [Pod], options: EndpointsReconcilerOptions = .init()) -> EndpointsPlan {
        EndpointsReconciler.plan(service: service, serviceKey: Fixture.key, pods: pods, existingEndpoints: endpoints,
                                 existingSlices: sliceList, options: options)
    }

    /// Plans and applies; returns the plan that was applied.
    @discardableResult
    mutating func sync(_ service: Service?, pods: [Pod], options: EndpointsReconcilerOptions = .init()) -> EndpointsPlan {
        let plan = plan(service, pods: pods, options: options)
        apply(plan)
        return plan
    }

    mutating func apply(_ plan: EndpointsPlan) {
        switch plan.endpoints {
        case .none: break
        case .create(var object), .update(var object):
            object.metadata.resourceVersion = version()
            endpoints = object
        case .delete: endpoints = nil
        }
        for var slice in plan.slicesToCreate {
            #expect(slice.metadata.name == nil, "created slices leave the name to the server")
            slice.metadata.name = (slice.metadata.generateName ?? "") + String(format: "s%04d", nextName)
            nextName += 1
            store(slice)
        }
        for slice in plan.slicesToUpdate {
            #expect(slices[slice.name] != nil, "updates target existing slices")
            store(slice)
        }
        for slice in plan.slicesToDelete { slices[slice.name] = nil }
    }

    private mutating func store(_ slice: EndpointSlice) {
        var slice = slice
        slice.metadata.resourceVersion = version()
        slices[slice.name] = slice
    }

    private mutating func version() -> String {
        defer { nextVersion += 1 }
        return String(nextVersion)
    }
}

extension EndpointsChange {
    /// The object a create or update writes.
    var object: Endpoints? {
        switch self {
        case .create(let object), .update(let object): object
        case .none, .delete: nil
        }
    }
}

extension EndpointSlice {
    /// The IPs of the slice's endpoints, in order.
    var ips: [String] { endpoints.flatMap(\.addresses) }
}
