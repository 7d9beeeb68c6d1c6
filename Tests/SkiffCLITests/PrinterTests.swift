import Foundation
import SkiffAPI
import Testing
@testable import SkiffCLI

@Suite struct ServiceTableTests {
    static let services: [Service] = {
        var external = service("ext", namespace: "shop", age: 10 * 86400, type: "ExternalName")
        external.spec?.externalName = "db.example.com"
        return [
            service("kubernetes", age: 2 * 86400, clusterIP: "127.96.0.1", ports: [servicePort(443, name: "https", target: .int(6443))]),
            service("ent", age: 300, clusterIP: "127.96.1.0", ports: [servicePort(80, name: "http", target: .string("http"))], selector: ["app": "ent"]),
            service("db", namespace: "shop", age: 45, clusterIP: "None", ports: [servicePort(5432)], selector: ["app": "db"]),
            service("web", namespace: "shop", age: 3 * 3600 + 600, type: "NodePort", clusterIP: "127.96.2.0",
                    ports: [servicePort(80, nodePort: 30080), servicePort(443, nodePort: 30443)], selector: ["tier": "front", "app": "web"]),
            external,
        ]
    }()

    @Test func defaultTable() {
        let table = TablePrinter.table(Self.services, of: Service.self, options: TableOptions(now: fixedNow))
        #expect(table.render() == """
            NAME         TYPE           CLUSTER-IP   EXTERNAL-IP      PORT(S)                      AGE
            kubernetes   ClusterIP      127.96.0.1   <none>           443/TCP                      2d
            ent          ClusterIP      127.96.1.0   <none>           80/TCP                       5m
            db           ClusterIP      None         <none>           5432/TCP                     45s
            web          NodePort       127.96.2.0   <none>           80:30080/TCP,443:30443/TCP   3h10m
            ext          ExternalName   <none>       db.example.com   <none>                       10d

            """)
    }

    @Test func wideWithNamespacesLabelsAndNoHeaders() {
        var ent = Self.services[1]
        ent.metadata.labels = ["app": "ent", "team": "a"]
        let options = TableOptions(wide: true, withNamespace: true, showLabels: true, now: fixedNow)
        let table = TablePrinter.table([ent, Self.services[3]], of: Service.self, options: options)
        #expect(table.columns == ["NAMESPACE", "NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR", "LABELS"])
        #expect(table.render(headers: false) == """
            default   ent   ClusterIP   127.96.1.0   <none>   80/TCP                       5m      app=ent              app=ent,team=a
            shop      web   NodePort    127.96.2.0   <none>   80:30080/TCP,443:30443/TCP   3h10m   app=web,tier=front   <none>

            """)
    }

    @Test(arguments: [
        ([servicePort(80)], "80/TCP"),
        ([servicePort(53, proto: "UDP"), servicePort(53, name: "tcp")], "53/UDP,53/TCP"),
        ([servicePort(80, nodePort: 31234), servicePort(443, nodePort: 0)], "80:31234/TCP,443/TCP"),
        ([ServicePort(port: 8080)], "8080/TCP"),
        ([], ""),
    ])
    func ports(ports: [ServicePort], expected: String) {
        #expect(ServiceTable.ports(ports) == expected)
    }

    @Test func loadBalancerExternalIP() throws {
        var lb = service("lb", type: "LoadBalancer", clusterIP: "127.96.3.0", ports: [servicePort(80, nodePort: 30001)])
        #expect(ServiceTable.externalIP(lb, wide: false) == "<pending>")
        lb.status = try JSONDecoder().decode(ServiceStatus.self, from: Data(#"{"loadBalancer":{"ingress":[{"ip":"192.0.2.10"},{"ip":"192.0.2.11"}]}}"#.utf8))
        #expect(ServiceTable.externalIP(lb, wide: false) == "192.0.2.10,19...")
        #expect(ServiceTable.externalIP(lb, wide: true) == "192.0.2.10,192.0.2.11")
        lb.spec?.externalIPs = ["198.51.100.1"]
        #expect(ServiceTable.externalIP(lb, wide: true) == "192.0.2.10,192.0.2.11,198.51.100.1")
    }
}

@Suite struct EndpointsFormatTests {
    static func subset(_ ips: [String], _ ports: [EndpointPort]?) -> EndpointSubset {
        EndpointSubset(addresses: ips.map { EndpointAddress(ip: $0) }, ports: ports)
    }

    @Test func threeThenMore() {
        let endpoints = Endpoints(metadata: meta("ent"), subsets: [
            Self.subset(["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"], [EndpointPort(name: "http", port: 8080)]),
        ])
        #expect(EndpointsTable.format(endpoints) == "10.0.0.1:8080,10.0.0.2:8080,10.0.0.3:8080 + 2 more...")
    }

    @Test func portsMultiplyAddressesAndCanBeFiltered() {
        let endpoints = Endpoints(metadata: meta("ent"), subsets: [
            Self.subset(["10.0.0.1", "10.0.0.2"], [EndpointPort(name: "http", port: 8080), EndpointPort(name: "metrics", port: 9090)]),
        ])
        #expect(EndpointsTable.format(endpoints) == "10.0.0.1:8080,10.0.0.2:8080,10.0.0.1:9090 + 1 more...")
        #expect(EndpointsTable.format(endpoints, ports: ["metrics"]) == "10.0.0.1:9090,10.0.0.2:9090")
        #expect(EndpointsTable.format(endpoints, ports: ["grpc"]) == "<none>")
    }

    @Test func headlessWithoutPortsAndIPv6() {
        let headless = Endpoints(metadata: meta("db"), subsets: [Self.subset(["10.0.0.7"], nil)])
        #expect(EndpointsTable.format(headless) == "10.0.0.7")
        let v6 = Endpoints(metadata: meta("v6"), subsets: [Self.subset(["fd00::1"], [EndpointPort(port: 80)])])
        #expect(EndpointsTable.format(v6) == "[fd00::1]:80")
        #expect(EndpointsTable.format(Endpoints(metadata: meta("none"))) == "<none>")
        #expect(EndpointsTable.format(nil) == "<none>")
    }

    @Test func endpointsAndSliceTables() {
        let endpoints = Endpoints(metadata: meta("ent", age: 90), subsets: [Self.subset(["10.0.0.1"], [EndpointPort(port: 8080)])])
        #expect(TablePrinter.table([endpoints], of: Endpoints.self, options: TableOptions(now: fixedNow)).render() == """
            NAME   ENDPOINTS       AGE
            ent    10.0.0.1:8080   90s

            """)
        let slice = EndpointSlice(
            metadata: meta("ent-x7k2p", age: 90), addressType: "IPv4",
            endpoints: (1...5).map { Endpoint(addresses: ["10.0.0.\($0)"]) },
            ports: [EndpointSlicePort(name: "http", port: 8080), EndpointSlicePort(name: "named"), EndpointSlicePort()])
        #expect(TablePrinter.table([slice], of: EndpointSlice.self, options: TableOptions(now: fixedNow)).render() == """
            NAME        ADDRESSTYPE   PORTS          ENDPOINTS                                AGE
            ent-x7k2p   IPv4          8080,named,*   10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...   90s

            """)
        #expect(EndpointSliceTable.ports([]) == "<unset>")
        #expect(EndpointSliceTable.endpoints([]) == "<unset>")
    }
}

@Suite struct PodAndClusterTableTests {
    static func pod(_ name: String, phase: String?, ready: Bool, ip: String? = nil, node: String? = nil) -> Pod {
        var pod = Pod(metadata: meta(name, age: 125), spec: PodSpec(containers: [Container(name: "server")], nodeName: node))
        pod.status = PodStatus(phase: phase, conditions: [PodCondition(type: "Ready", status: ready ? "True" : "False")], podIP: ip)
        return pod
    }

    @Test func podTable() {
        var terminating = Self.pod("ent-3", phase: "Running", ready: true)
        terminating.metadata.deletionTimestamp = ago(5)
        let pods = [Self.pod("ent-1", phase: "Running", ready: true, ip: "127.244.1.5", node: "node-1"), Self.pod("ent-2", phase: "Pending", ready: false), terminating]
        #expect(TablePrinter.table(pods, of: Pod.self, options: TableOptions(wide: true, now: fixedNow)).render() == """
            NAME    READY   STATUS        RESTARTS   AGE    IP            NODE     NOMINATED NODE   READINESS GATES
            ent-1   1/1     Running       0          2m5s   127.244.1.5   node-1   <none>           <none>
            ent-2   0/1     Pending       0          2m5s   <none>        <none>   <none>           <none>
            ent-3   1/1     Terminating   0          2m5s   <none>        <none>   <none>           <none>

            """)
    }

    @Test func containerStatusesDecideReadyStatusAndRestarts() throws {
        var pod = Self.pod("crash", phase: "Running", ready: false)
        pod.spec?.containers.append(Container(name: "sidecar"))
        let statuses = """
            [{"name":"server","ready":false,"restartCount":3,"state":{"waiting":{"reason":"CrashLoopBackOff"}},
              "lastState":{"terminated":{"exitCode":1,"finishedAt":"\(ago(120).rfc3339)"}}},
             {"name":"sidecar","ready":true,"restartCount":0,"state":{"running":{"startedAt":"\(ago(600).rfc3339)"}}}]
            """
        pod.status?.containerStatuses = try JSONDecoder().decode([ContainerStatus].self, from: Data(statuses.utf8))
        let summary = PodTable.summarize(pod, now: fixedNow)
        #expect(summary.ready == 1)
        #expect(summary.status == "CrashLoopBackOff")
        #expect(summary.restarts == "3 (2m ago)")
    }

    @Test func namespaceAndNodeTables() throws {
        var shop = Namespace(name: "shop")
        shop.metadata.creationTimestamp = ago(3600)
        shop.status = NamespaceStatus(phase: "Active")
        #expect(TablePrinter.table([shop], of: Namespace.self, options: TableOptions(now: fixedNow)).render() == """
            NAME   STATUS   AGE
            shop   Active   60m

            """)
        let node = try JSONDecoder().decode(Node.self, from: Data("""
            {"metadata":{"name":"node-1","creationTimestamp":"\(ago(86400 * 3).rfc3339)","labels":{"node-role.kubernetes.io/worker":""}},
             "spec":{"podCIDR":"127.244.1.0/24","unschedulable":true},
             "status":{"addresses":[{"type":"InternalIP","address":"127.0.0.1"}],"conditions":[{"type":"Ready","status":"True"}],
                       "nodeInfo":{"kubeletVersion":"skiff-v0.1.0","osImage":"Debian 12"}}}
            """.utf8))
        #expect(TablePrinter.table([node], of: Node.self, options: TableOptions(wide: true, now: fixedNow)).render() == """
            NAME     STATUS                     ROLES    AGE   VERSION        INTERNAL-IP   EXTERNAL-IP   OS-IMAGE    KERNEL-VERSION   CONTAINER-RUNTIME
            node-1   Ready,SchedulingDisabled   worker   3d    skiff-v0.1.0   127.0.0.1     <none>        Debian 12   <unknown>        <unknown>

            """)
    }

    @Test func kindPrefixForSeveralKinds() {
        let table = TablePrinter.table([Self.services[1]], of: Service.self, options: TableOptions(withKind: true, now: fixedNow))
        #expect(table.rows.first?.first == "service/ent")
        let slice = EndpointSlice(metadata: meta("s"))
        #expect(ObjectOutput.name(slice) == "endpointslice.discovery.k8s.io/s")
    }

    static let services = ServiceTableTests.services
}
