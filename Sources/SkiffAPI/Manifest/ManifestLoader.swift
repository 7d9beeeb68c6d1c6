import SkiffYAML

/// One object from a manifest, with where it came from so later errors (even the server's) can point at it.
public struct ManifestObject: Sendable {
    public var source: String
    public var documentIndex: Int
    public var object: any APIObject
    /// The object's YAML node, for locating fields.
    public var node: YAMLNode

    /// The location of `field` (a path such as `spec.ports[0].port`) in this object's document.
    public func error(field: String?, message: String) -> ManifestError {
        let mark = field.flatMap { $0.isEmpty ? nil : node.locate($0) } ?? node.mark
        return ManifestError(source: source, documentIndex: documentIndex, mark: mark, path: field, message: message)
    }
}

/// Turns manifest files into typed, defaulted-for-validation objects. Every document is checked and every
/// error is reported (not only the first), so a user fixes a file in one pass.
public struct ManifestLoader: Sendable {
    /// What to do with fields a kind does not have (kubectl's --validate=strict|warn|ignore).
    public enum UnknownFields: Sendable { case error, warn, ignore }

    public var unknownFields: UnknownFields = .error
    /// Run Kubernetes' validation locally, so errors come with a line and column before anything is sent.
    public var validate = true
    /// The namespace for namespaced objects that name none.
    public var defaultNamespace = "default"
    /// Whether `defaultNamespace` was given explicitly (-n): then an object naming another namespace is an error.
    public var namespaceExplicit = false

    public init() {}

    public func load(_ sources: [ManifestSource]) throws(ManifestErrors) -> (objects: [ManifestObject], warnings: [ManifestError]) {
        var objects: [ManifestObject] = []
        var errors: [ManifestError] = []
        var warnings: [ManifestError] = []
        for source in sources {
            let documents: [YAMLDocument]
            do {
                documents = try YAMLParser.parse(source.text)
            } catch {
                errors.append(ManifestError(source: source.name, documentIndex: error.documentIndex, mark: error.mark, path: error.path, message: error.message))
                continue
            }
            for document in documents {
                guard let root = document.root else { continue }
                for item in Self.items(of: root) {
                    switch decode(item, source: source.name, document: document.index) {
                    case .success(let (object, objectWarnings)):
                        objects.append(object)
                        warnings += objectWarnings
                    case .failure(let failure):
                        errors += failure.errors
                    }
                }
            }
        }
        if !errors.isEmpty { throw ManifestErrors(errors) }
        return (objects, warnings)
    }

    /// A `kind: List` document holds its objects in `items`; any other document is one object.
    static func items(of root: YAMLNode) -> [YAMLNode] {
        guard case .mapping(let pairs) = root.content,
              pairs.contains(where: { $0.key.scalarText == "kind" && $0.value.scalarText == "List" }),
              let items = pairs.first(where: { $0.key.scalarText == "items" })?.value,
              case .sequence(let nodes) = items.content
        else { return [root] }
        return nodes
    }

    private func decode(_ node: YAMLNode, source: String, document: Int) -> Result<(ManifestObject, [ManifestError]), ManifestErrors> {
        func failure(_ mark: Mark?, _ path: String?, _ message: String) -> Result<(ManifestObject, [ManifestError]), ManifestErrors> {
            .failure(ManifestErrors([ManifestError(source: source, documentIndex: document, mark: mark, path: path, message: message)]))
        }
        guard case .mapping(let pairs) = node.content else {
            return failure(node.mark, nil, "a manifest document must be a mapping with apiVersion, kind and metadata")
        }
        let apiVersion = pairs.first { $0.key.scalarText == "apiVersion" }?.value
        let kind = pairs.first { $0.key.scalarText == "kind" }?.value
        guard let kindText = kind?.scalarText, !kindText.isEmpty else { return failure(node.mark, "kind", "Required value: every object needs a kind") }
        guard let versionText = apiVersion?.scalarText, !versionText.isEmpty else {
            return failure(node.mark, "apiVersion", "Required value: every object needs an apiVersion")
        }
        guard let type = Resources.type(apiVersion: versionText, kind: kindText) else {
            if let known = Resources.all.first(where: { $0.resource.kind == kindText }) {
                return failure(apiVersion?.mark, "apiVersion", "apiVersion \"\(versionText)\" is not served for kind \(kindText); use \(known.resource.apiVersion)")
            }
            return failure(kind?.mark, "kind", "kind \"\(kindText)\" (\(versionText)) is not served by Skiff; served kinds: \(Resources.servedKinds)")
        }
        return decode(type, node, source: source, document: document)
    }

    private func decode<T: APIObject>(_ type: T.Type, _ node: YAMLNode, source: String, document: Int) -> Result<(ManifestObject, [ManifestError]), ManifestErrors> {
        let decoder = NodeDecoder(unknownFields: unknownFields == .error ? .error : .collect)
        var object: T
        var warnings: [ManifestError] = []
        do {
            let decoded = try decoder.decode(T.self, from: node)
            object = decoded.value
            if unknownFields == .warn {
                warnings = decoded.warnings.map { ManifestError(source: source, documentIndex: document, mark: $0.mark, path: $0.path, message: $0.message) }
            }
        } catch {
            return .failure(ManifestErrors([ManifestError(source: source, documentIndex: document, mark: error.mark, path: error.path, message: error.message)]))
        }
        let manifest = { (object: T) in ManifestObject(source: source, documentIndex: document, object: object, node: node) }
        if T.resource.namespaced {
            let named = object.metadata.namespace ?? ""
            if namespaceExplicit, !named.isEmpty, named != defaultNamespace {
                return .failure(ManifestErrors([manifest(object).error(
                    field: "metadata.namespace",
                    message: "the namespace from the provided object \"\(named)\" does not match the namespace \"\(defaultNamespace)\". You must pass '--namespace=\(named)' to perform this operation.")]))
            }
            if named.isEmpty { object.metadata.namespace = defaultNamespace }
        } else {
            object.metadata.namespace = nil
        }
        if validate {
            var defaulted = object
            Defaults.apply(to: &defaulted)
            let fieldErrors = Validation.validate(defaulted)
            if !fieldErrors.isEmpty {
                let located = fieldErrors.map { manifest(object).error(field: $0.field, message: $0.errorBody) }
                return .failure(ManifestErrors(located))
            }
        }
        return .success((manifest(object), warnings))
    }
}

extension YAMLNode {
    /// The text of a scalar node, nil for collections.
    var scalarText: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }
}
