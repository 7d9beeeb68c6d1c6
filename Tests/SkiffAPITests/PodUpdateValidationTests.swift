@testable import SkiffAPI
import Testing

/// Updates against a stored Pod. `Row.input` edits a copy of the stored object, which is then defaulted, as
/// the apiserver defaults every incoming object before validating it.
@Suite struct PodUpdateValidationTests {
    static let edits: [Row<PodEdit>] = [
        Row("labels may change", { $0.metadata.labels = ["app": "web", "tier": "front"] }),
        Row("image may change", { $0.spec?.containers[0].image = "nginx:1.27" }),
        Row("activeDeadlineSeconds may be set", { $0.spec?.activeDeadlineSeconds = 300 }),
        Row("tolerations may be added", { $0.spec?.tolerations = [.object(["key": .string("dedicated"), "operator": .string("Exists")])] }),
        Row("nodeName may not change", { $0.spec?.nodeName = "node-1" },
            ["spec: Forbidden: " + Messages.podUpdate + "\n  spec.nodeName: <unset> -> \"node-1\""]),
        Row("ports may not change", { $0.spec?.containers[0].ports?[0].containerPort = 9090 },
            ["spec: Forbidden: " + Messages.podUpdate + "\n  spec.containers[0].ports[0].containerPort: 8080 -> 9090"]),
        Row("containers may not be added", { $0.spec?.containers.append(Fixtures.container("sidecar", ports: nil)) },
            ["spec.containers: Forbidden: pod updates may not add or remove containers"]),
        Row("image may not gain spaces", { $0.spec?.containers[0].image = "nginx:1.27 " },
            ["spec.containers[0].image: Invalid value: \"nginx:1.27 \": must not have leading or trailing whitespace"]),
    ]

    @Test(arguments: edits)
    func update(_ row: Row<PodEdit>) {
        let old = Fixtures.storedPod()
        var new = old
        row.input(&new)
        new.setDefaults()
        #expect(new.validateUpdate(from: old).messages == row.errors)
    }

    @Test func activeDeadlineSecondsOnlyShrinks() {
        let old = Fixtures.storedPod { $0.spec?.activeDeadlineSeconds = 300 }
        var new = old
        new.spec?.activeDeadlineSeconds = 100
        #expect(new.validateUpdate(from: old).isEmpty)
        new.spec?.activeDeadlineSeconds = 600
        #expect(new.validateUpdate(from: old).messages == ["spec.activeDeadlineSeconds: Invalid value: 600: must be less than or equal to previous value"])
        new.spec?.activeDeadlineSeconds = nil
        #expect(new.validateUpdate(from: old).messages == ["spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value"])
    }

    @Test func tolerationsMayNotBeRemoved() {
        let toleration = JSONValue.object(["key": .string("dedicated"), "operator": .string("Exists"), "tolerationSeconds": .number(30)])
        let old = Fixtures.storedPod { $0.spec?.tolerations = [toleration] }
        var new = old
        new.spec?.tolerations = [.object(["key": .string("dedicated"), "operator": .string("Exists"), "tolerationSeconds": .number(60)])]
        #expect(new.validateUpdate(from: old).isEmpty)
        new.spec?.tolerations = []
        #expect(new.validateUpdate(from: old).messages == ["spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds"])
    }

    @Test func statusUpdateFromTheKubelet() {
        let old = Fixtures.storedPod()
        var new = old
        new.status = PodStatus(phase: "Running", conditions: [PodCondition(type: "Ready", status: "True")], podIP: "127.244.1.5")
        #expect(new.validateUpdate(from: old).isEmpty)
        new.status?.podIP = "127.244.1.500"
        #expect(Validation.validateUpdate(new, from: old).messages == ["status.podIP: Invalid value: \"127.244.1.500\": " + Messages.ip])
    }

    @Test func unchangedInvalidStatusDoesNotBlockSpecUpdates() {
        var old = Fixtures.storedPod()
        old.status = PodStatus(phase: "Weird")
        var new = old
        new.spec?.containers[0].image = "nginx:1.27"
        #expect(new.validateUpdate(from: old).isEmpty)
    }
}
