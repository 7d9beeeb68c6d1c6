import SkiffAPI
@testable import SkiffDNS
import SkiffTesting

/// A small cluster changed at random: few names and few IPs, so that changes collide (two Services on one IP,
/// a slice moving between Services, a Service changing type, pods sharing an IP).
struct RandomWorld {
    struct Change: CustomStringConvertible {
        var description: String
        var services: Set<DNSSnapshot.ServiceKey> = []
        var pods: Set<String> = []
        var namespaces: Set<String> = []
    }

    var random: SeededGenerator
    var services: [DNSSnapshot.ServiceKey: Service] = [:]
    /// "namespace/name" -> slice.
    var sliceObjects: [String: EndpointSlice] = [:]
    var pods: [String: [String]] = [:]
    var namespaces: Set<String> = []

    let namespaceNames = ["default", "shop", "ops"]
    let serviceNames = ["web", "db", "cache", "api"]

    init(seed: UInt64) { random = SeededGenerator(seed: seed) }

    mutating func pick<T>(_ items: [T]) -> T { items.randomElement(using: &random)! }
    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }

    mutating func ip() -> String { pick(["10.96.0.1", "10.96.0.2", "10.244.0.1", "10.244.0.2", "10.244.0.3", "fd00::1", "fd00::2"]) }

    mutating func step() -> Change {
        let namespace = pick(namespaceNames)
        let name = pick(serviceNames)
        let key = DNSSnapshot.ServiceKey(namespace: namespace, name: name)
        switch Int.random(in: 0..<10, using: &random) {
        case 0...2:
            services[key] = makeService(name, namespace)
            return Change(description: "put service \(key): \(services[key]!.spec!)", services: [key])
        case 3:
            services[key] = nil
            return Change(description: "delete service \(key)", services: [key])
        case 4...6:
            let sliceName = "\(pick(serviceNames))-\(pick(["a", "b"]))"
            let old = sliceObjects["\(namespace)/\(sliceName)"]
            let slice = makeSlice(sliceName, namespace, service: name)
            sliceObjects["\(namespace)/\(sliceName)"] = slice
            return Change(description: "put slice \(namespace)/\(sliceName) for \(name): \(slice.endpoints)",
                          services: Set([old, slice].compactMap { $0.flatMap(owner) }))
        case 7:
            let sliceName = "\(pick(serviceNames))-\(pick(["a", "b"]))"
            let old = sliceObjects.removeValue(forKey: "\(namespace)/\(sliceName)")
            return Change(description: "delete slice \(namespace)/\(sliceName)", services: Set([old].compactMap { $0.flatMap(owner) }))
        case 8:
            let pod = "\(namespace)/pod-\(Int.random(in: 0..<4, using: &random))"
            pods[pod] = chance(30) ? nil : (chance(20) ? [ip(), ip()] : [ip()])
            return Change(description: "pod \(pod): \(pods[pod] ?? [])", pods: [pod])
        default:
            if namespaces.contains(namespace) { namespaces.remove(namespace) } else { namespaces.insert(namespace) }
            return Change(description: "namespace \(namespace) exists: \(namespaces.contains(namespace))", namespaces: [namespace])
        }
    }

    func owner(_ slice: EndpointSlice) -> DNSSnapshot.ServiceKey? {
        slice.labels[EndpointSlice.serviceNameLabel].map { DNSSnapshot.ServiceKey(namespace: slice.namespace, name: $0) }
    }

    func slices(of key: DNSSnapshot.ServiceKey) -> [EndpointSlice] {
        sliceObjects.values.filter { owner($0) == key }
    }

    func podNamespace(_ pod: String) -> String { String(pod.split(separator: "/")[0]) }

    mutating func makeService(_ name: String, _ namespace: String) -> Service {
        let ports = chance(50) ? [ServicePort(name: "http", protocol: "TCP", port: 80)] : [ServicePort(port: 8080)]
        var spec: ServiceSpec
        switch Int.random(in: 0..<4, using: &random) {
        case 0:
            spec = ServiceSpec(type: Service.ServiceType.externalName, ports: ports)
            spec.externalName = pick(["example.com", "db.example.org"])
        case 1:
            spec = ServiceSpec(ports: ports, clusterIP: "None")
            spec.publishNotReadyAddresses = chance(30)
        default:
            spec = ServiceSpec(ports: ports, clusterIP: ip())
            if chance(20) { spec.clusterIPs = [spec.clusterIP!, ip()] }
        }
        return Service(metadata: ObjectMeta(name: name, namespace: namespace), spec: spec)
    }

    mutating func makeSlice(_ sliceName: String, _ namespace: String, service: String) -> EndpointSlice {
        let count = Int.random(in: 0...3, using: &random)
        let endpoints = (0..<count).map { _ in
            Endpoint(addresses: [ip()], conditions: EndpointConditions(ready: chance(20) ? false : (chance(50) ? true : nil)),
                     hostname: chance(30) ? pick(["h-0", "h-1"]) : nil)
        }
        return EndpointSlice(
            metadata: ObjectMeta(name: sliceName, namespace: namespace, labels: [EndpointSlice.serviceNameLabel: service]),
            addressType: "IPv4", endpoints: endpoints, ports: [EndpointSlicePort(name: "http", protocol: "TCP", port: 80)])
    }

    /// The whole zone from the objects as they are now, in an order unrelated to the changes'.
    mutating func fullSnapshot() -> DNSSnapshot {
        var podIPs: [String: [String]] = [:]
        for (pod, ips) in pods { podIPs[podNamespace(pod), default: []] += ips }
        return DNSSnapshot(services: Array(services.values).shuffled(using: &random),
                           endpointSlices: Array(sliceObjects.values).shuffled(using: &random),
                           podIPs: podIPs.filter { !$0.value.isEmpty }, namespaces: Array(namespaces))
    }

    /// Names to ask at the end: every Service, endpoint label, SRV, pod and IP of the pools.
    func probeNames() -> [String] {
        var names: [String] = []
        for namespace in namespaceNames {
            names.append("\(namespace).svc.cluster.local")
            for name in serviceNames {
                names += ["\(name).\(namespace).svc.cluster.local", "_http._tcp.\(name).\(namespace).svc.cluster.local",
                          "h-0.\(name).\(namespace).svc.cluster.local", "10-244-0-1.\(name).\(namespace).svc.cluster.local"]
            }
            names += ["10-244-0-1.\(namespace).pod.cluster.local", "10-96-0-2.\(namespace).pod.cluster.local"]
        }
        names += ["1.0.96.10.in-addr.arpa", "2.0.96.10.in-addr.arpa", "1.0.244.10.in-addr.arpa", "2.0.244.10.in-addr.arpa",
                  "3.0.244.10.in-addr.arpa"]
        return names
    }
}
