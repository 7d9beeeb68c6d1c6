@testable import SkiffAPI
import Testing

/// Updates against a stored Service (allocated clusterIP 10.96.0.10). `Row.input` edits a copy of the stored
/// object, as a client that read it and wrote it back would.
@Suite struct ServiceUpdateValidationTests {
    static let edits: [Row<ServiceEdit>] = [
        Row("ports may change", { $0.spec?.ports = [ServicePort(name: "http", protocol: "TCP", port: 8080, targetPort: .int(8080))] }),
        Row("selector may change", { $0.spec?.selector = ["app": "web2"] }),
        Row("type may become NodePort", { $0.spec?.type = "NodePort"; $0.spec?.externalTrafficPolicy = "Cluster" }),
        Row("clusterIP is immutable", { $0.spec?.clusterIP = "10.96.0.11" },
            ["spec.clusterIP: Invalid value: \"10.96.0.11\": field is immutable"]),
        Row("clusterIP and clusterIPs changed together", { $0.spec?.clusterIP = "10.96.0.11"; $0.spec?.clusterIPs = ["10.96.0.11"] },
            ["spec.clusterIP: Invalid value: \"10.96.0.11\": field is immutable"]),
        Row("headless cannot take an IP later", { $0.spec?.clusterIP = "None"; $0.spec?.clusterIPs = ["None"] },
            ["spec.clusterIP: Invalid value: \"None\": field is immutable"]),
        Row("type may become ExternalName, dropping the IP", {
            $0.spec = ServiceSpec(type: "ExternalName")
            $0.spec?.externalName = "db.example.com"
            $0.setDefaults()
        }),
    ]

    @Test(arguments: edits)
    func update(_ row: Row<ServiceEdit>) {
        let old = Fixtures.storedService()
        var new = old
        row.input(&new)
        #expect(new.validateUpdate(from: old).messages == row.errors)
    }

    @Test func reapplyingTheManifestKeepsTheClusterIP() {
        let old = Fixtures.storedService()
        var new = Fixtures.service()
        new.metadata = old.metadata
        #expect(new.spec?.clusterIP == nil)
        #expect(new.validateUpdate(from: old).isEmpty)
    }

    @Test func fromExternalNameAnIPMayBeRequested() {
        let old = Fixtures.storedService { $0.spec = ServiceSpec(type: "ExternalName"); $0.spec?.externalName = "db.example.com" }
        #expect(old.spec?.clusterIP == nil)
        var new = Fixtures.service { $0.spec?.clusterIP = "10.96.0.12" }
        new.metadata = old.metadata
        #expect(new.validateUpdate(from: old).isEmpty)
    }

    @Test func headlessStaysHeadless() {
        let old = Fixtures.storedService { $0.spec?.clusterIP = "None" }
        var new = old
        new.spec?.ports = [ServicePort(name: "web", protocol: "TCP", port: 8080, targetPort: .int(8080))]
        #expect(new.validateUpdate(from: old).isEmpty)
        new.spec?.clusterIP = "10.96.0.13"
        new.spec?.clusterIPs = ["10.96.0.13"]
        #expect(new.validateUpdate(from: old).messages == ["spec.clusterIP: Invalid value: \"10.96.0.13\": field is immutable"])
    }

    @Test func secondaryClusterIPMayNotChange() {
        let old = Fixtures.storedService { $0.spec?.clusterIP = "10.96.0.10"; $0.spec?.clusterIPs = ["10.96.0.10", "fd00::10"] }
        var new = old
        new.spec?.clusterIPs = ["10.96.0.10", "fd00::11"]
        #expect(new.validateUpdate(from: old).messages == [
            "spec.clusterIPs[1]: Invalid value: []string{\"10.96.0.10\", \"fd00::11\"}: may not change once set",
        ])
    }

    @Test func releasingTheSecondaryNeedsSingleStack() {
        let old = Fixtures.storedService { $0.spec?.clusterIP = "10.96.0.10"; $0.spec?.clusterIPs = ["10.96.0.10", "fd00::10"] }
        #expect(old.spec?.ipFamilyPolicy == "RequireDualStack")
        var new = old
        new.spec?.clusterIPs = ["10.96.0.10"]
        new.spec?.ipFamilies = ["IPv4"]
        #expect(new.validateUpdate(from: old).messages == [
            "spec.ipFamilyPolicy: Invalid value: \"RequireDualStack\": must be set to 'SingleStack' when releasing the secondary clusterIP",
            "spec.ipFamilyPolicy: Invalid value: \"RequireDualStack\": must be set to 'SingleStack' when releasing the secondary ipFamily",
        ])
        new.spec?.ipFamilyPolicy = "SingleStack"
        #expect(new.validateUpdate(from: old).isEmpty)
    }

    @Test func primaryFamilyMayNotChange() {
        let old = Fixtures.storedService()
        var new = old
        new.spec?.ipFamilies = ["IPv6"]
        #expect(new.validateUpdate(from: old).messages == [
            "spec.ipFamilies[0]: Invalid value: []string{\"IPv6\"}: may not change once set",
            "spec.clusterIPs[0]: Invalid value: \"10.96.0.10\": expected an IPv6 value as indicated by `ipFamilies[0]`",
        ])
    }

    @Test func healthCheckNodePortIsKeptAndImmutable() {
        let old = Fixtures.storedService {
            $0.spec?.type = "LoadBalancer"; $0.spec?.externalTrafficPolicy = "Local"; $0.spec?.healthCheckNodePort = 30999
        }
        var new = old
        new.spec?.healthCheckNodePort = nil
        #expect(new.validateUpdate(from: old).isEmpty)
        new.spec?.healthCheckNodePort = 31000
        #expect(new.validateUpdate(from: old).messages == ["spec.healthCheckNodePort: Forbidden: field is immutable"])
    }

    @Test func dispatchByKind() {
        let old = Fixtures.storedService()
        var new = old
        new.spec?.clusterIP = "10.96.0.11"
        #expect(Validation.validateUpdate(new, from: old).messages == ["spec.clusterIP: Invalid value: \"10.96.0.11\": field is immutable"])
        #expect(Validation.validateUpdate(Fixtures.storedPod(), from: old).messages == [
            "kind: Invalid value: \"Pod\": may not change from Service",
        ])
    }
}
