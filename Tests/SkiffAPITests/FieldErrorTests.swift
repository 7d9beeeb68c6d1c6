@testable import SkiffAPI
import Testing

@Suite struct FieldErrorTests {
    static let ports = FieldPath.root("spec").child("ports")

    static let rendering: [Row<FieldError>] = [
        Row("invalid number prints bare", .invalid(ports.index(0).child("port"), 70000, "must be between 1 and 65535, inclusive"),
            ["spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive"]),
        Row("duplicate string prints quoted", .duplicate(ports.index(1).child("name"), "http"), ["spec.ports[1].name: Duplicate value: \"http\""]),
        Row("unsupported lists the choices", .notSupported(.root("spec").child("type"), "Foo", Service.supportedTypes),
            ["spec.type: Unsupported value: \"Foo\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""]),
        Row("required with detail", .required(.root("metadata").child("name"), "name or generateName is required"),
            ["metadata.name: Required value: name or generateName is required"]),
        Row("required without detail", .required(ports), ["spec.ports: Required value"]),
        Row("forbidden never prints a value", .forbidden(.root("spec").child("clusterIPs"), "may not be set for ExternalName services"),
            ["spec.clusterIPs: Forbidden: may not be set for ExternalName services"]),
        Row("too long", .tooLong(.root("metadata").child("annotations"), 262144), ["metadata.annotations: Too long: must have at most 262144 bytes"]),
        Row("too many", .tooMany(.root("endpoints"), 1001, 1000), ["endpoints: Too many: 1001: must have at most 1000 items"]),
        Row("lists print as Go slices", .invalid(.root("spec").child("clusterIPs"), ["10.0.0.1", "fd00::1"], "may only hold up to 2 values"),
            ["spec.clusterIPs: Invalid value: []string{\"10.0.0.1\", \"fd00::1\"}: may only hold up to 2 values"]),
        Row("strings are escaped like Go's %q", .invalid(.root("x"), "a\"b\\c\nd\u{1}", "bad"), ["x: Invalid value: \"a\\\"b\\\\c\\nd\\x01\": bad"]),
        Row("a missing value prints null", .invalid(.root("x"), rendered: nil, "bad"), ["x: Invalid value: null: bad"]),
        Row("map keys are bracketed, unquoted", .invalid(.root("metadata").child("labels").key("app"), "x", "bad"),
            ["metadata.labels[app]: Invalid value: \"x\": bad"]),
        Row("several names descend", .required(.root("spec").child("sessionAffinityConfig", "clientIP", "timeoutSeconds")),
            ["spec.sessionAffinityConfig.clientIP.timeoutSeconds: Required value"]),
    ]

    @Test(arguments: rendering)
    func rendersAsKubernetes(_ row: Row<FieldError>) {
        #expect([row.input.description] == row.errors)
    }

    @Test func kindsAreKubernetesCauseTypes() {
        #expect(FieldError.Kind.allCases.map(\.rawValue) == [
            "FieldValueRequired", "FieldValueInvalid", "FieldValueDuplicate", "FieldValueNotSupported",
            "FieldValueForbidden", "FieldValueTooLong", "FieldValueTooMany",
        ])
    }

    @Test func bodyLeavesOutTheField() {
        let error = FieldError.invalid(Self.ports.index(0).child("port"), 0, "must be between 1 and 65535, inclusive")
        #expect(error.errorBody == "Invalid value: 0: must be between 1 and 65535, inclusive")
        #expect(error.field == "spec.ports[0].port")
        #expect(error.badValue == "0")
        #expect(error.kind == .invalid)
    }

    @Test func plainInitializerQuotesByDefault() {
        let error = FieldError(kind: .invalid, field: "spec.clusterIPs", badValue: "10.0.0.1", detail: "failed to allocate IP")
        #expect(error.description == "spec.clusterIPs: Invalid value: \"10.0.0.1\": failed to allocate IP")
        let bare = FieldError(kind: .invalid, field: "spec.ports[0].nodePort", badValue: "30000", detail: "in use", quotesBadValue: false)
        #expect(bare.description == "spec.ports[0].nodePort: Invalid value: 30000: in use")
    }

    @Test func validationErrorsJoinMessages() {
        let errors = ValidationErrors([.required(Self.ports), .duplicate(Self.ports.index(1).child("name"), "http")])
        #expect(errors.description == "spec.ports: Required value, spec.ports[1].name: Duplicate value: \"http\"")
    }
}
