import NodeProxy
import SkiffAPI

/// Literal Services and slices for the core tests.
enum Fixtures {
    static func service(_ name: String, namespace: String = "default", clusterIP: String = "127.96.1.1",
                        ports: [(String?, Int, String)] = [("http", 80, "TCP")], affinity: Bool = false,
                        internalLocal: Bool = false, type: String? = nil, resourceVersion: String = "1") -> Service {
        var spec = ServiceSpec()
        spec.type = type
        spec.clusterIP = clusterIP
        spec.clusterIPs = clusterIP == Service.headlessClusterIP ? nil : [clusterIP]
        spec.ports = ports.map { ServicePort(name: $0.0, protocol: $0.2, port: $0.1) }
        if affinity { spec.sessionAffinity = "ClientIP" }
        if internalLocal { spec.internalTrafficPolicy = "Local" }
        var service = Service(metadata: ObjectMeta(name: name, namespace: namespace), spec: spec)
        service.metadata.resourceVersion = resourceVersion
        return service
    }

    struct EP {
        var ip: String
        var ready = true
        var serving: Bool? = nil
        var terminating: Bool? = nil
        var node: String? = nil
    }

    static func slice(_ name: String, service: String, namespace: String = "default",
                      ports: [(String?, Int, String)] = [("http", 8080, "TCP")], endpoints: [EP]) -> EndpointSlice {
        var meta = ObjectMeta(name: name, namespace: namespace)
        meta.labels = [EndpointSlice.serviceNameLabel: service]
        return EndpointSlice(
            metadata: meta,
            endpoints: endpoints.map {
                Endpoint(addresses: [$0.ip], conditions: EndpointConditions(ready: $0.ready, serving: $0.serving, terminating: $0.terminating), nodeName: $0.node)
            },
            ports: ports.map { EndpointSlicePort(name: $0.0, protocol: $0.2, port: $0.1) })
    }
}
