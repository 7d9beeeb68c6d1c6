import Foundation
import SkiffAPI
import Testing
@testable import SkiffCLI

@Suite struct DescribeTests {
    static var ent: Service {
        var ent = service("ent", clusterIP: "127.96.1.0", ports: [
            servicePort(80, name: "http", target: .string("http")), servicePort(9090, name: "metrics", target: .int(9090)),
        ], selector: ["app": "ent"])
        ent.metadata.labels = ["tier": "web", "app": "ent"]
        ent.metadata.annotations = ["example.com/owner": "team-a", "kubectl.kubernetes.io/last-applied-configuration": "{}"]
        ent.metadata.uid = "5b0c7f0e-3c57-4a57-9a43-2a3c6fb6e1d1"
        ent.metadata.resourceVersion = "42"
        ent.metadata.creationTimestamp = Timestamp(fixedNow)
        ent.spec?.ipFamilyPolicy = "SingleStack"
        ent.spec?.ipFamilies = ["IPv4"]
        ent.spec?.sessionAffinity = "None"
        ent.spec?.internalTrafficPolicy = "Cluster"
        return ent
    }

    static let endpoints = Endpoints(metadata: meta("ent"), subsets: [
        EndpointSubset(
            addresses: [EndpointAddress(ip: "127.244.1.5"), EndpointAddress(ip: "127.244.2.7")],
            notReadyAddresses: [EndpointAddress(ip: "127.244.1.9")],
            ports: [EndpointPort(name: "http", port: 8080, protocol: "TCP"), EndpointPort(name: "metrics", port: 9090, protocol: "TCP")]),
    ])

    @Test func serviceGolden() {
        let text = Describer.describe(Self.ent, related: DescribeRelated(endpoints: Self.endpoints), now: fixedNow, timeZone: utc)
        #expect(text == """
            Name:                     ent
            Namespace:                default
            Labels:                   app=ent
                                      tier=web
            Annotations:              example.com/owner: team-a
            CreationTimestamp:        Fri, 15 Jan 2027 08:00:00 +0000
            UID:                      5b0c7f0e-3c57-4a57-9a43-2a3c6fb6e1d1
            ResourceVersion:          42
            Selector:                 app=ent
            Type:                     ClusterIP
            IP Family Policy:         SingleStack
            IP Families:              IPv4
            IP:                       127.96.1.0
            IPs:                      127.96.1.0
            Port:                     http  80/TCP
            TargetPort:               http/TCP
            Endpoints:                127.244.1.5:8080,127.244.2.7:8080
            Port:                     metrics  9090/TCP
            TargetPort:               9090/TCP
            Endpoints:                127.244.1.5:9090,127.244.2.7:9090
            Session Affinity:         None
            Internal Traffic Policy:  Cluster
            Events:                   <none>

            """)
    }

    @Test func serviceWithoutEndpointsAndNodePort() {
        var web = service("web", type: "NodePort", clusterIP: "127.96.2.0", ports: [servicePort(80, nodePort: 30080)])
        web.spec?.sessionAffinity = "None"
        let text = Describer.describe(web, now: fixedNow, timeZone: utc)
        #expect(text.contains("Labels:             <none>\n"))
        #expect(text.contains("Selector:           <none>\n"))
        #expect(text.contains("IP Families:        <none>\n"))
        #expect(text.contains("Port:               <unset>  80/TCP\nTargetPort:         80/TCP\nNodePort:           <unset>  30080/TCP\nEndpoints:          <none>\n"))
    }

    @Test func endpointsGolden() {
        let text = Describer.describe(Self.endpoints, now: fixedNow, timeZone: utc)
        #expect(text == """
            Name:               ent
            Namespace:          default
            Labels:             <none>
            Annotations:        <none>
            CreationTimestamp:  Fri, 15 Jan 2027 07:59:00 +0000
            UID:                <none>
            ResourceVersion:    <none>
            Subsets:
              Addresses:          127.244.1.5,127.244.2.7
              NotReadyAddresses:  127.244.1.9
              Ports:
                Name     Port  Protocol
                ----     ----  --------
                http     8080  TCP
                metrics  9090  TCP

            Events:  <none>

            """)
    }

    @Test func podPage() throws {
        var pod = Pod(metadata: meta("ent-1", labels: ["app": "ent"]), spec: PodSpec(containers: [
            Container(name: "server", image: "agnhost:2.39", ports: [ContainerPort(name: "http", containerPort: 8080, protocol: "TCP")]),
        ], nodeName: "node-1"))
        pod.spec?.containers[0].readinessProbe = try JSONDecoder().decode(Probe.self, from: Data(
            #"{"httpGet":{"path":"/","port":"http"},"periodSeconds":2,"timeoutSeconds":1,"successThreshold":1,"failureThreshold":3}"#.utf8))
        pod.status = PodStatus(phase: "Running", conditions: [PodCondition(type: "Ready", status: "True")], podIP: "127.244.1.5")
        pod.status?.hostIP = "127.0.0.1"
        let text = Describer.describe(pod, now: fixedNow, timeZone: utc)
        for line in [
            "Node:               node-1/127.0.0.1\n", "Status:             Running\n", "IP:                 127.244.1.5\n",
            "IPs:\n  IP:  127.244.1.5\nContainers:\n  server:\n", "    Port:         8080/TCP\n",
            "    Readiness:    http-get http://:http/ delay=0s timeout=1s period=2s #success=1 #failure=3\n",
            "Conditions:\n  Type           Status\n  Ready          True \nVolumes:         <none>\n",
        ] {
            #expect(text.contains(line), "missing \(String(reflecting: line)) in\n\(text)")
        }
    }

    @Test func sliceAndNamespacePages() {
        let slice = EndpointSlice(
            metadata: meta("ent-abcde", labels: [EndpointSlice.serviceNameLabel: "ent"]),
            endpoints: [Endpoint(addresses: ["127.244.1.5"], conditions: EndpointConditions(ready: true), targetRef: ObjectReference(kind: "Pod", name: "ent-1"), nodeName: "node-1")],
            ports: [EndpointSlicePort(name: "http", protocol: "TCP", port: 8080)])
        let text = Describer.describe(slice, now: fixedNow, timeZone: utc)
        #expect(text.contains("""
            AddressType:        IPv4
            Ports:
              Name  Port  Protocol
              ----  ----  --------
              http  8080  TCP
            Endpoints:
              - Addresses:  127.244.1.5
                Conditions:
                  Ready:    true
                Hostname:   <unset>
                TargetRef:  Pod/ent-1
                NodeName:   node-1
                Zone:       <unset>
            Events:         <none>
            """), "\(text)")
        var namespace = Namespace(name: "shop", labels: ["kubernetes.io/metadata.name": "shop"])
        namespace.status = NamespaceStatus(phase: "Terminating")
        let page = Describer.describe(namespace, now: fixedNow, timeZone: utc)
        #expect(page.hasPrefix("Name:               shop\nLabels:             kubernetes.io/metadata.name=shop\n"), "\(page)")
        #expect(page.hasSuffix("Status:             Terminating\n"))
    }

    @Test func longAnnotationsGoBelowTheirKey() {
        var object = Namespace(name: "n")
        object.metadata.annotations = ["a": "short", "b": String(repeating: "x", count: 150), "c": "one\ntwo"]
        let page = Describer.describe(object, now: fixedNow, timeZone: utc)
        #expect(page.contains("Annotations:        a: short\n                    b:\n                      \(String(repeating: "x", count: 138))...\n                    c:\n                      one\n                      two\n"), "\(page)")
    }
}
