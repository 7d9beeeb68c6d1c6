import Foundation
import SkiffAPI
import Testing

/// Kubernetes' RBAC validation messages (pkg/apis/rbac/validation), one named case each.
@Suite struct RBACValidationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var object: any APIObject
        var errors: [String]
        var testDescription: String { name }
    }

    static let reader = PolicyRule(verbs: ["get", "list", "watch"], apiGroups: [""], resources: ["pods", "pods/status"])
    static let admin = Subject(kind: Subject.user, name: "system:node:node-1")

    static let cases: [Case] = [
        Case(name: "a role with a colon in its name", object: Role(metadata: ObjectMeta(name: "system:leases", namespace: "kube-system"), rules: [reader]), errors: []),
        Case(name: "a cluster role for paths", object: ClusterRole(metadata: ObjectMeta(name: "system:discovery"), rules: [PolicyRule(verbs: ["get"], nonResourceURLs: ["/api", "/api/*"])]), errors: []),
        Case(name: "a binding to a cluster role", object: RoleBinding(metadata: ObjectMeta(name: "b", namespace: "default"), subjects: [admin], roleRef: RoleRef(kind: "ClusterRole", name: "view")), errors: []),
        Case(name: "a service account subject of a cluster binding", object: ClusterRoleBinding(metadata: ObjectMeta(name: "b"), subjects: [Subject(kind: Subject.serviceAccount, name: "default", namespace: "kube-system")], roleRef: RoleRef(kind: "ClusterRole", name: "view")), errors: []),
        Case(name: "names may not hold a slash", object: ClusterRole(metadata: ObjectMeta(name: "a/b"), rules: []),
             errors: [#"metadata.name: Invalid value: "a/b": may not contain '/'"#]),
        Case(name: "a role needs a namespace", object: Role(metadata: ObjectMeta(name: "r"), rules: []),
             errors: ["metadata.namespace: Required value"]),
        Case(name: "verbs are required", object: ClusterRole(metadata: ObjectMeta(name: "r"), rules: [PolicyRule(verbs: [], apiGroups: [""], resources: ["pods"])]),
             errors: ["rules[0].verbs: Required value: verbs must contain at least one value"]),
        Case(name: "resource rules need groups and resources", object: ClusterRole(metadata: ObjectMeta(name: "r"), rules: [PolicyRule(verbs: ["get"])]),
             errors: ["rules[0].apiGroups: Required value: resource rules must supply at least one api group",
                      "rules[0].resources: Required value: resource rules must supply at least one resource"]),
        Case(name: "a namespaced role may not name paths", object: Role(metadata: ObjectMeta(name: "r", namespace: "default"), rules: [PolicyRule(verbs: ["get"], nonResourceURLs: ["/api"])]),
             errors: [#"rules[0].nonResourceURLs: Invalid value: []string{"/api"}: namespaced rules cannot apply to non-resource URLs"#]),
        Case(name: "a rule is for resources or for paths", object: ClusterRole(metadata: ObjectMeta(name: "r"), rules: [PolicyRule(verbs: ["get"], apiGroups: [""], nonResourceURLs: ["/api"])]),
             errors: [#"rules[0].nonResourceURLs: Invalid value: []string{"/api"}: rules cannot apply to both regular resources and non-resource URLs"#]),
        Case(name: "a cluster binding may not reference a role", object: ClusterRoleBinding(metadata: ObjectMeta(name: "b"), subjects: [admin], roleRef: RoleRef(kind: "Role", name: "r")),
             errors: [#"roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole""#]),
        Case(name: "the role reference's group", object: RoleBinding(metadata: ObjectMeta(name: "b", namespace: "default"), subjects: [admin], roleRef: RoleRef(kind: "Role", name: "", apiGroup: "rbac")),
             errors: [#"roleRef.apiGroup: Unsupported value: "rbac": supported values: "rbac.authorization.k8s.io""#, "roleRef.name: Required value"]),
        Case(name: "subject kinds", object: RoleBinding(metadata: ObjectMeta(name: "b", namespace: "default"), subjects: [Subject(kind: "Robot", name: "r2")], roleRef: RoleRef(kind: "Role", name: "r")),
             errors: [#"subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group""#]),
        Case(name: "a service account in a cluster binding needs a namespace", object: ClusterRoleBinding(metadata: ObjectMeta(name: "b"), subjects: [Subject(kind: Subject.serviceAccount, name: "sa")], roleRef: RoleRef(kind: "ClusterRole", name: "view")),
             errors: ["subjects[0].namespace: Required value"]),
    ]

    @Test(arguments: cases) func validate(_ testCase: Case) {
        #expect(Validation.validate(testCase.object).map(\.description) == testCase.errors)
    }

    @Test func theRoleReferenceIsImmutable() {
        var old = RoleBinding(metadata: ObjectMeta(name: "b", namespace: "default"), subjects: [Self.admin], roleRef: RoleRef(kind: "Role", name: "r"))
        old.metadata.resourceVersion = "5"
        var new = old
        new.roleRef = RoleRef(kind: "ClusterRole", name: "admin")
        #expect(Validation.validateUpdate(new, from: old).map(\.description)
            == [#"roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"admin"}: cannot change roleRef"#])
        new.roleRef = old.roleRef
        new.subjects = []
        #expect(Validation.validateUpdate(new, from: old).isEmpty)
    }

    @Test func rbacKindsAreServedWithKubernetesNames() {
        #expect(Resources.type(named: "clusterrolebindings")?.resource.apiVersion == "rbac.authorization.k8s.io/v1")
        #expect(Resources.type(apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role")?.resource.namespaced == true)
        #expect(Resources.type(named: "clusterroles.rbac.authorization.k8s.io")?.resource.kind == "ClusterRole")
    }

    @Test func aUserOrGroupSubjectDefaultsItsAPIGroup() throws {
        let subjects = try JSONDecoder().decode([Subject].self, from: Data(#"[{"kind":"User","name":"alice"},{"kind":"ServiceAccount","name":"sa","namespace":"ns"}]"#.utf8))
        #expect(subjects[0].apiGroup == RBAC.group)
        #expect(subjects[1].apiGroup == nil)
    }

    @Test func aPolicyRuleRoundTripsWithKubernetesFieldNames() throws {
        let json = #"{"apiGroups":["discovery.k8s.io"],"resourceNames":["a"],"resources":["endpointslices"],"verbs":["get"]}"#
        let rule = try JSONDecoder().decode(PolicyRule.self, from: Data(json.utf8))
        #expect(rule == PolicyRule(verbs: ["get"], apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], resourceNames: ["a"]))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(String(decoding: try encoder.encode(rule), as: UTF8.self) == json)
    }
}
