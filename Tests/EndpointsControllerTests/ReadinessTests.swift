import EndpointsController
import SkiffAPI
import Testing

/// Where one Pod ends up, for each readiness state, in the Endpoints object and in the slice.
struct ReadinessCase: Sendable, CustomTestStringConvertible {
    let name: String
    let pod: Pod
    let publishNotReady: Bool
    /// "ready", "notReady" or nil (absent from Endpoints).
    let inEndpoints: String?
    /// (ready, serving, terminating), or nil when the Pod is in no slice.
    let conditions: EndpointConditions?
    var testDescription: String { name }
}

@Suite struct ReadinessTests {
    static let cases: [ReadinessCase] = [
        ReadinessCase(name: "ready pod", pod: Fixture.pod("a", ip: "10.244.0.2"), publishNotReady: false,
                      inEndpoints: "ready", conditions: EndpointConditions(ready: true, serving: true, terminating: false)),
        ReadinessCase(name: "not-ready pod", pod: Fixture.pod("a", ip: "10.244.0.2", ready: false), publishNotReady: false,
                      inEndpoints: "notReady", conditions: EndpointConditions(ready: false, serving: false, terminating: false)),
        ReadinessCase(name: "pod without IP", pod: Fixture.pod("a"), publishNotReady: false,
                      inEndpoints: nil, conditions: nil),
        ReadinessCase(name: "succeeded pod", pod: Fixture.pod("a", ip: "10.244.0.2", phase: "Succeeded"), publishNotReady: false,
                      inEndpoints: nil, conditions: nil),
        ReadinessCase(name: "terminating ready pod", pod: Fixture.pod("a", ip: "10.244.0.2", terminating: true), publishNotReady: false,
                      inEndpoints: nil, conditions: EndpointConditions(ready: false, serving: true, terminating: true)),
        ReadinessCase(name: "terminating not-ready pod", pod: Fixture.pod("a", ip: "10.244.0.2", ready: false, terminating: true),
                      publishNotReady: false, inEndpoints: nil,
                      conditions: EndpointConditions(ready: false, serving: false, terminating: true)),
        ReadinessCase(name: "publishNotReadyAddresses: not-ready pod", pod: Fixture.pod("a", ip: "10.244.0.2", ready: false),
                      publishNotReady: true, inEndpoints: "ready",
                      conditions: EndpointConditions(ready: true, serving: false, terminating: false)),
        ReadinessCase(name: "publishNotReadyAddresses: terminating pod", pod: Fixture.pod("a", ip: "10.244.0.2", terminating: true),
                      publishNotReady: true, inEndpoints: "ready",
                      conditions: EndpointConditions(ready: true, serving: true, terminating: true)),
    ]

    @Test(arguments: cases)
    func placement(_ testCase: ReadinessCase) throws {
        let service = Fixture.service(publishNotReady: testCase.publishNotReady)
        let plan = EndpointsReconciler.plan(service: service, serviceKey: Fixture.key, pods: [testCase.pod],
                                            existingEndpoints: nil, existingSlices: [], options: .init())
        let endpoints = try #require(plan.endpoints.object)
        let port = EndpointPort(name: "http", port: 8080, protocol: "TCP")
        let address = Fixture.address("a", "10.244.0.2")
        switch testCase.inEndpoints {
        case "ready"?: #expect(endpoints.subsets == [EndpointSubset(addresses: [address], ports: [port])])
        case "notReady"?: #expect(endpoints.subsets == [EndpointSubset(notReadyAddresses: [address], ports: [port])])
        default: #expect(endpoints.subsets == [])
        }

        try #require(plan.slicesToCreate.count == 1)
        let slice = plan.slicesToCreate[0]
        if let conditions = testCase.conditions {
            #expect(slice.endpoints == [Endpoint(
                addresses: ["10.244.0.2"], conditions: conditions,
                targetRef: ObjectReference(kind: "Pod", namespace: "default", name: "a", uid: "uid-a"), nodeName: "node-1")])
            #expect(slice.ports == [EndpointSlicePort(name: "http", protocol: "TCP", port: 8080)])
        } else {
            // No endpoints: the placeholder slice, without ports.
            #expect(slice.endpoints.isEmpty)
            #expect(slice.ports == [])
        }
    }
}
