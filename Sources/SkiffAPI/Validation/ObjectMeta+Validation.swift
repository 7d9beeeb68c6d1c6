/// How a kind's object names are checked (Kubernetes' ValidateNameFunc for that kind).
enum NameRule: Sendable {
    /// Namespaces.
    case dns1123Label
    /// Pods, Nodes, Endpoints, EndpointSlices.
    case dns1123Subdomain
    /// Services: their names become DNS labels and environment variable names, so they must start with a letter.
    case dns1035Label

    /// `prefix` is for generateName, which may end in a dash because random characters follow.
    func messages(_ name: String, prefix: Bool) -> [String] {
        let checked = prefix ? Self.maskTrailingDash(name) : name
        switch self {
        case .dns1123Label: return Validation.isDNS1123Label(checked)
        case .dns1123Subdomain: return Validation.isDNS1123Subdomain(checked)
        case .dns1035Label: return Validation.isDNS1035Label(checked)
        }
    }

    /// Kubernetes' maskTrailingDash, quirk included: `abc-` is checked as `aba`.
    static func maskTrailingDash(_ name: String) -> String {
        guard name.utf8.count > 1, name.hasSuffix("-") else { return name }
        return String(name.dropLast(2)) + "a"
    }
}

extension ObjectMeta {
    /// Kubernetes' limit on the total size of an object's annotation keys and values.
    public static let totalAnnotationSizeLimit = 256 * 1024

    /// Kubernetes' ValidateObjectMeta. A name is required unless generateName is set (the server generates one).
    func validate(namespaced: Bool, names rule: NameRule, path: FieldPath = .root("metadata")) -> [FieldError] {
        var errors: [FieldError] = []
        let name = self.name ?? "", generateName = self.generateName ?? ""
        if !generateName.isEmpty {
            errors += rule.messages(generateName, prefix: true).map { .invalid(path.child("generateName"), generateName, $0) }
        }
        if name.isEmpty {
            if generateName.isEmpty { errors.append(.required(path.child("name"), "name or generateName is required")) }
        } else {
            errors += rule.messages(name, prefix: false).map { .invalid(path.child("name"), name, $0) }
        }
        let namespace = self.namespace ?? ""
        if namespaced {
            if namespace.isEmpty {
                errors.append(.required(path.child("namespace")))
            } else {
                errors += Checks.dns1123Label(namespace, path.child("namespace"))
            }
        } else if !namespace.isEmpty {
            errors.append(.forbidden(path.child("namespace"), "not allowed on this type"))
        }
        errors += Checks.nonNegative(generation, path.child("generation"))
        errors += Checks.labels(labels, path.child("labels"))
        errors += Self.validateAnnotations(annotations, path.child("annotations"))
        errors += Self.validateOwnerReferences(ownerReferences ?? [], path.child("ownerReferences"))
        errors += Self.validateFinalizers(finalizers ?? [], path.child("finalizers"))
        return errors
    }

    /// Kubernetes' ValidateObjectMetaUpdate: identity fields are immutable and the update names a resourceVersion.
    /// Labels and annotations are checked by the kind's full validation, which every update also runs.
    func validateUpdate(from old: ObjectMeta, path: FieldPath = .root("metadata")) -> [FieldError] {
        var errors: [FieldError] = []
        if old.deletionTimestamp != nil {
            let added = Set(finalizers ?? []).subtracting(old.finalizers ?? []).sorted()
            if !added.isEmpty {
                errors.append(.forbidden(path.child("finalizers"),
                    "no new finalizers can be added if the object is being deleted, found new finalizers \(FieldError.renderList(added))"))
            }
        }
        if resourceVersion?.isEmpty ?? true {
            errors.append(.invalid(path.child("resourceVersion"), resourceVersion ?? "", "must be specified for an update"))
        }
        if (generation ?? 0) < (old.generation ?? 0) {
            errors.append(.invalid(path.child("generation"), generation ?? 0, "must not be decremented"))
        }
        func immutable(_ new: String?, _ old: String?, _ field: String) {
            if new ?? "" != old ?? "" { errors.append(.invalid(path.child(field), new ?? "", FieldError.immutable)) }
        }
        immutable(name, old.name, "name")
        immutable(namespace, old.namespace, "namespace")
        immutable(uid, old.uid, "uid")
        if creationTimestamp != old.creationTimestamp {
            errors.append(.invalid(path.child("creationTimestamp"), rendered: creationTimestamp?.rfc3339 ?? "null", FieldError.immutable))
        }
        if deletionTimestamp != old.deletionTimestamp {
            errors.append(.invalid(path.child("deletionTimestamp"), rendered: deletionTimestamp?.rfc3339 ?? "null", FieldError.immutable))
        }
        if deletionGracePeriodSeconds != old.deletionGracePeriodSeconds {
            errors.append(.invalid(path.child("deletionGracePeriodSeconds"), rendered: deletionGracePeriodSeconds.map(String.init) ?? "null", FieldError.immutable))
        }
        return errors
    }

    /// Keys are qualified names in any case; keys and values together at most 256 KiB.
    static func validateAnnotations(_ annotations: [String: String]?, _ path: FieldPath) -> [FieldError] {
        guard let annotations else { return [] }
        var errors: [FieldError] = []
        var size = 0
        for key in annotations.keys.sorted() {
            errors += Validation.isQualifiedName(key.lowercased()).map { .invalid(path, key, $0) }
            size += key.utf8.count + (annotations[key]?.utf8.count ?? 0)
        }
        if size > totalAnnotationSizeLimit { errors.append(.tooLong(path, totalAnnotationSizeLimit)) }
        return errors
    }

    /// Each reference names its owner fully; at most one is the controller. (Kubernetes reports these without
    /// the list index; Skiff adds it so a manifest error points at the right entry.)
    static func validateOwnerReferences(_ references: [OwnerReference], _ path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        var controller: String?
        for (index, reference) in references.enumerated() {
            let item = path.index(index)
            let version = reference.apiVersion.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
            if version.isEmpty { errors.append(.invalid(item.child("apiVersion"), reference.apiVersion, "version must not be empty")) }
            if reference.kind.isEmpty { errors.append(.invalid(item.child("kind"), reference.kind, "must not be empty")) }
            if reference.name.isEmpty { errors.append(.invalid(item.child("name"), reference.name, "must not be empty")) }
            if reference.uid.isEmpty { errors.append(.invalid(item.child("uid"), reference.uid, "must not be empty")) }
            if reference.controller == true {
                let current = reference.kind + "/" + reference.name
                if let controller {
                    errors.append(.invalid(path, rendered: "[\(references.count) references]",
                        "Only one reference can have Controller set to true. Found \"true\" in references for \(controller) and \(current)"))
                } else {
                    controller = current
                }
            }
        }
        return errors
    }

    static func validateFinalizers(_ finalizers: [String], _ path: FieldPath) -> [FieldError] {
        var errors = finalizers.flatMap { Checks.qualifiedName($0, path) }
        if finalizers.contains("orphan") && finalizers.contains("foregroundDeletion") {
            errors.append(.invalid(path, finalizers, "finalizer orphan and foregroundDeletion cannot be both set"))
        }
        return errors
    }
}

extension FieldError {
    /// Kubernetes' FieldImmutableErrorMsg.
    public static let immutable = "field is immutable"
}
