import EndpointsController
import SkiffAPI
import SkiffMessaging
import Testing

/// Which Services a Pod event concerns (through the selector index), and which Endpoints and slices are left
/// over from Services that no longer exist.
struct MembershipTests {
    static func serviceCache(_ services: [Service]) -> ObjectCache<Service> {
        var cache = ObjectCache<Service>()
        cache.addIndex("selector") { EndpointsSyncer.selectorIndexValues($0) }
        for (index, service) in services.enumerated() { cache.upsert(service, revision: Int64(index + 1)) }
        return cache
    }

    static let services = serviceCache([
        Fixture.service(name: "web", selector: ["app": "web"]),
        Fixture.service(name: "web-canary", selector: ["app": "web", "track": "canary"]),
        Fixture.service(name: "api", selector: ["app": "api", "tier": "back"]),
        Fixture.service(name: "manual", selector: nil),
        Fixture.service(name: "empty", selector: [:]),
        Fixture.service(name: "tiers", selector: ["tier": "back"]),
    ])

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let pods: [[String: String]]
        let namespace: String
        let expected: [String]
        var testDescription: String { name }
    }

    @Test(arguments: [
        Case(name: "one pair selects", pods: [["app": "web"]], namespace: "default", expected: ["default/web"]),
        Case(name: "every pair must match", pods: [["app": "web", "track": "canary"]], namespace: "default",
             expected: ["default/web", "default/web-canary"]),
        Case(name: "a pair filed under another key still counts", pods: [["app": "api", "tier": "back"]], namespace: "default",
             expected: ["default/api", "default/tiers"]),
        Case(name: "partial match selects nothing", pods: [["app": "api"]], namespace: "default", expected: []),
        Case(name: "no labels, no selector-less Services", pods: [[:]], namespace: "default", expected: []),
        Case(name: "old and new labels of an update", pods: [["app": "web"], ["app": "api", "tier": "back"]],
             namespace: "default", expected: ["default/api", "default/tiers", "default/web"]),
        Case(name: "other namespace", pods: [["app": "web"]], namespace: "prod", expected: []),
    ])
    func servicesSelectingPods(_ test: Case) {
        let pods = test.pods.enumerated().map { Fixture.pod("p\($0.offset)", labels: $0.element, namespace: test.namespace) }
        #expect(EndpointsSyncer.servicesSelecting(pods, in: Self.services) == test.expected)
    }

    @Test func servicesAreFiledUnderTheirSmallestSelectorKey() {
        #expect(EndpointsSyncer.selectorIndexValues(Fixture.service(selector: ["tier": "back", "app": "api"])) == ["default/app=api"])
        #expect(EndpointsSyncer.selectorIndexValues(Fixture.service(selector: nil)).isEmpty)
        #expect(EndpointsSyncer.selectorIndexValues(Fixture.service(selector: [:])).isEmpty)
    }

    @Test func selectorChangeRefilesTheService() {
        var cache = Self.serviceCache([Fixture.service(name: "web", selector: ["app": "web"])])
        cache.upsert(Fixture.service(name: "web", selector: ["app": "web2"]), revision: 9)
        #expect(EndpointsSyncer.servicesSelecting([Fixture.pod("a", labels: ["app": "web"])], in: cache).isEmpty)
        #expect(EndpointsSyncer.servicesSelecting([Fixture.pod("a", labels: ["app": "web2"])], in: cache) == ["default/web"])
    }

    static func endpoints(_ name: String, annotations: [String: String]? = nil) -> Endpoints {
        Endpoints(metadata: ObjectMeta(name: name, namespace: Fixture.namespace, annotations: annotations))
    }

    static func slice(_ name: String, service: String, managedBy: String?) -> EndpointSlice {
        var labels = [EndpointSlice.serviceNameLabel: service]
        labels[EndpointSlice.managedByLabel] = managedBy
        return EndpointSlice(metadata: ObjectMeta(name: name, namespace: Fixture.namespace, labels: labels),
                             addressType: "IPv4", endpoints: [], ports: [])
    }

    @Test func leftoversAreTheManagedObjectsOfMissingServices() {
        let services = Self.serviceCache([Fixture.service(name: "web"), Fixture.service(name: "manual", selector: nil)])
        var endpoints = ObjectCache<Endpoints>()
        for object in [Self.endpoints("web"), Self.endpoints("manual"), Self.endpoints("gone"),
                       Self.endpoints("lock", annotations: [EndpointsSyncer.leaderAnnotation: "{}"])] {
            endpoints.upsert(object, revision: 1)
        }
        var slices = ObjectCache<EndpointSlice>()
        for object in [Self.slice("web-a", service: "web", managedBy: EndpointsLabels.controllerName),
                       Self.slice("gone-a", service: "gone", managedBy: EndpointsLabels.controllerName),
                       Self.slice("old-a", service: "old", managedBy: EndpointsLabels.controllerName),
                       Self.slice("mirror-a", service: "mirror", managedBy: EndpointsLabels.mirroringControllerName),
                       Self.slice("foreign-a", service: "foreign", managedBy: "someone-else"),
                       Self.slice("unlabelled-a", service: "unlabelled", managedBy: nil)] {
            slices.upsert(object, revision: 1)
        }
        #expect(EndpointsSyncer.leftoverKeys(services: services, endpoints: endpoints, slices: slices)
                == ["default/gone", "default/mirror", "default/old"])
    }

    @Test func noLeftoversWhenEveryServiceExists() {
        let services = Self.serviceCache([Fixture.service(name: "web")])
        var endpoints = ObjectCache<Endpoints>()
        endpoints.upsert(Self.endpoints("web"), revision: 1)
        var slices = ObjectCache<EndpointSlice>()
        slices.upsert(Self.slice("web-a", service: "web", managedBy: EndpointsLabels.controllerName), revision: 1)
        #expect(EndpointsSyncer.leftoverKeys(services: services, endpoints: endpoints, slices: slices).isEmpty)
    }

    /// The plan of a leftover key (no Service) deletes exactly what `leftoverKeys` found.
    @Test func reconcilingALeftoverDeletesIt() {
        let slice = Self.slice("gone-a", service: "gone", managedBy: EndpointsLabels.controllerName)
        let plan = EndpointsReconciler.plan(service: nil, serviceKey: (Fixture.namespace, "gone"), pods: [],
                                            existingEndpoints: Self.endpoints("gone"), existingSlices: [slice])
        #expect(plan.endpoints == .delete("gone"))
        #expect(plan.slicesToDelete.map(\.name) == ["gone-a"])
    }
}
