import Foundation
import Logging
import SkiffAPI
import SkiffJSON
import SkiffStore

/// What the apiserver rebuilds and creates at start. The store is the only state: allocators are derived from
/// the stored Services, and the system namespaces and the kube-dns Service are created if missing.
enum Bootstrap {
    /// Marks every stored Service's ClusterIP and NodePorts as taken.
    static func rebuildAllocators(store: any Store, allocation: ServiceAllocation, logger: Logger) async throws {
        let (services, _) = try await store.list(resource: Service.resource.plural, namespace: nil, atRevision: nil)
        for stored in services {
            guard let service = try? FastJSONDecoder.decode(Service.self, from: stored.value) else {
                logger.error("stored Service \(stored.key.namespace)/\(stored.key.name) does not decode; its addresses stay unallocated")
                continue
            }
            if ServiceAllocation.needsClusterIP(service), let ip = service.spec?.clusterIP {
                do { try allocation.clusterIPs.allocate(ip) } catch {
                    logger.warning("Service \(service.namespace)/\(service.name): ClusterIP \(ip): \(error)")
                }
            }
            if ServiceAllocation.needsNodePorts(service) {
                for port in service.spec?.ports ?? [] {
                    guard let nodePort = port.nodePort else { continue }
                    do { try allocation.nodePorts.allocate(nodePort) } catch {
                        logger.warning("Service \(service.namespace)/\(service.name): NodePort \(nodePort): \(error)")
                    }
                }
            }
        }
        logger.info("allocators rebuilt from \(services.count) services")
    }

    static func ensureSystemObjects(registry: Registry, allocation: ServiceAllocation, logger: Logger) async throws {
        for name in Namespace.systemNamespaces.sorted() {
            try await ensure(Namespace(name: name), namespace: "", registry: registry, logger: logger)
        }
        try await ensure(kubeDNS(ip: allocation.clusterIPs.address(number: 10)), namespace: "kube-system", registry: registry, logger: logger)
    }

    /// The cluster DNS Service, at the 10th address of the service range as in Kubernetes.
    static func kubeDNS(ip: String) -> Service {
        Service(
            metadata: ObjectMeta(
                name: "kube-dns", namespace: "kube-system",
                labels: ["k8s-app": "kube-dns", "kubernetes.io/name": "CoreDNS", "kubernetes.io/cluster-service": "true"]),
            spec: ServiceSpec(
                selector: ["k8s-app": "kube-dns"],
                ports: [
                    ServicePort(name: "dns", protocol: "UDP", port: 53, targetPort: .int(53)),
                    ServicePort(name: "dns-tcp", protocol: "TCP", port: 53, targetPort: .int(53)),
                    ServicePort(name: "metrics", protocol: "TCP", port: 9153, targetPort: .int(9153)),
                ],
                clusterIP: ip))
    }

    private static func ensure<T: APIObject>(_ object: T, namespace: String, registry: Registry, logger: Logger) async throws {
        let key = Registry.key(T.resource, namespace: namespace, name: object.name)
        guard try await registry.store.get(key) == nil else { return }
        let plan = try await registry.planCreate(object, namespace: namespace)
        do {
            _ = try await registry.commit([plan])
            logger.info("created \(T.resource.singular) \(namespace.isEmpty ? "" : namespace + "/")\(object.name)")
        } catch {
            // Another apiserver (or an earlier attempt) created it first: that is the state we wanted.
            if error.code != 409 { throw error }
        }
    }
}
