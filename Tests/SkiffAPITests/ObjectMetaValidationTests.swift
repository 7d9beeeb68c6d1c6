import Foundation
@testable import SkiffAPI
import Testing

/// Metadata rules, exercised through the kinds (each picks its name rule and scope).
@Suite struct ObjectMetaValidationTests {
    static let cases: [Row<ServiceEdit>] = [
        Row("valid", { _ in }),
        Row("name missing", { $0.metadata.name = nil }, ["metadata.name: Required value: name or generateName is required"]),
        Row("generateName instead of a name", { $0.metadata.name = nil; $0.metadata.generateName = "web-" }),
        Row("bad generateName", { $0.metadata.name = nil; $0.metadata.generateName = "Web-" },
            ["metadata.generateName: Invalid value: \"Web-\": " + Messages.dns1035Label]),
        Row("service name must start with a letter", { $0.metadata.name = "1web" }, ["metadata.name: Invalid value: \"1web\": " + Messages.dns1035Label]),
        Row("service name may not have dots", { $0.metadata.name = "web.v1" }, ["metadata.name: Invalid value: \"web.v1\": " + Messages.dns1035Label]),
        Row("namespace missing", { $0.metadata.namespace = nil }, ["metadata.namespace: Required value"]),
        Row("namespace not a label", { $0.metadata.namespace = "Team_A" }, ["metadata.namespace: Invalid value: \"Team_A\": " + Messages.dns1123Label]),
        Row("label key invalid", { $0.metadata.labels = ["-app": "web"] }, ["metadata.labels: Invalid value: \"-app\": " + Messages.qualifiedNamePart]),
        Row("label value invalid", { $0.metadata.labels = ["app": "web app"] }, ["metadata.labels: Invalid value: \"web app\": " + Messages.labelValue]),
        Row("label value empty", { $0.metadata.labels = ["app": ""] }),
        Row("annotation keys ignore case", { $0.metadata.annotations = ["Example.com/Note": "x"] }),
        Row("annotation key invalid", { $0.metadata.annotations = ["bad key": "x"] },
            ["metadata.annotations: Invalid value: \"bad key\": " + Messages.qualifiedNamePart]),
        Row("annotations over 256 KiB", { $0.metadata.annotations = ["a": String(repeating: "x", count: 256 * 1024)] },
            ["metadata.annotations: Too long: must have at most 262144 bytes"]),
        Row("annotations at 256 KiB", { $0.metadata.annotations = ["a": String(repeating: "x", count: 256 * 1024 - 1)] }),
        Row("negative generation", { $0.metadata.generation = -1 }, ["metadata.generation: Invalid value: -1: must be greater than or equal to 0"]),
        Row("owner reference without uid", { $0.metadata.ownerReferences = [OwnerReference(apiVersion: "v1", kind: "Service", name: "a", uid: "")] },
            ["metadata.ownerReferences[0].uid: Invalid value: \"\": must not be empty"]),
        Row("owner reference without version", { $0.metadata.ownerReferences = [OwnerReference(apiVersion: "discovery.k8s.io/", kind: "X", name: "a", uid: "1")] },
            ["metadata.ownerReferences[0].apiVersion: Invalid value: \"discovery.k8s.io/\": version must not be empty"]),
        Row("two controllers", {
            $0.metadata.ownerReferences = [
                OwnerReference(apiVersion: "v1", kind: "Service", name: "a", uid: "1", controller: true),
                OwnerReference(apiVersion: "v1", kind: "Service", name: "b", uid: "2", controller: true),
            ]
        }, ["metadata.ownerReferences: Invalid value: [2 references]: Only one reference can have Controller set to true. Found \"true\" in references for Service/a and Service/b"]),
        Row("finalizer not a qualified name", { $0.metadata.finalizers = ["bad finalizer"] },
            ["metadata.finalizers: Invalid value: \"bad finalizer\": " + Messages.qualifiedNamePart]),
    ]

    @Test(arguments: cases)
    func metadata(_ row: Row<ServiceEdit>) {
        #expect(Fixtures.service(row.input).validate().messages == row.errors)
    }

    @Test func podNamesAreSubdomains() {
        #expect(Fixtures.pod { $0.metadata.name = "web-0.example" }.validate().isEmpty)
        #expect(Fixtures.pod { $0.metadata.name = "Web" }.validate().messages == ["metadata.name: Invalid value: \"Web\": " + Messages.dns1123Subdomain])
    }

    @Test func clusterScopedKindsForbidANamespace() {
        var namespace = Namespace(name: "team-a")
        namespace.metadata.namespace = "default"
        #expect(namespace.validate().messages == ["metadata.namespace: Forbidden: not allowed on this type"])
    }

    static let updates: [Row<ServiceEdit>] = [
        Row("labels may change", { $0.metadata.labels = ["tier": "web"] }),
        Row("name", { $0.metadata.name = "web2" }, ["metadata.name: Invalid value: \"web2\": field is immutable"]),
        Row("namespace", { $0.metadata.namespace = "other" }, ["metadata.namespace: Invalid value: \"other\": field is immutable"]),
        Row("uid", { $0.metadata.uid = "u2" }, ["metadata.uid: Invalid value: \"u2\": field is immutable"]),
        Row("creationTimestamp", { $0.metadata.creationTimestamp = Timestamp(Date(timeIntervalSince1970: 0)) },
            ["metadata.creationTimestamp: Invalid value: 1970-01-01T00:00:00Z: field is immutable"]),
        Row("resourceVersion missing", { $0.metadata.resourceVersion = nil }, ["metadata.resourceVersion: Invalid value: \"\": must be specified for an update"]),
        Row("generation decremented", { $0.metadata.generation = 0 }, ["metadata.generation: Invalid value: 0: must not be decremented"]),
    ]

    @Test(arguments: updates)
    func metadataUpdate(_ row: Row<ServiceEdit>) {
        let old = Fixtures.storedService()
        var new = old
        row.input(&new)
        #expect(new.validateUpdate(from: old).messages == row.errors)
    }

    @Test func noNewFinalizersWhileDeleting() {
        var old = Fixtures.storedService()
        old.metadata.deletionTimestamp = Fixtures.created
        var new = old
        new.metadata.finalizers = ["example.com/hold"]
        #expect(new.validateUpdate(from: old).messages == [
            "metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{\"example.com/hold\"}",
        ])
    }
}
