import SkiffYAML

/// A problem in a manifest, located as precisely as it can be: file, document, line, column, field.
/// Prints as `svc.yaml: document 2, line 14, column 9: spec.ports[0].port: Invalid value: 70000: ...`.
public struct ManifestError: Error, Sendable, Equatable, CustomStringConvertible {
    public var source: String
    /// 1-based index of the document in its file.
    public var documentIndex: Int?
    public var mark: Mark?
    /// The field path inside the object, e.g. `spec.ports[0].port`.
    public var path: String?
    public var message: String

    public init(source: String, documentIndex: Int? = nil, mark: Mark? = nil, path: String? = nil, message: String) {
        self.source = source
        self.documentIndex = documentIndex
        self.mark = mark
        self.path = path
        self.message = message
    }

    public var description: String {
        var text = source
        if let documentIndex { text += ": document \(documentIndex)" }
        if let mark { text += (documentIndex == nil ? ": " : ", ") + "line \(mark.line), column \(mark.column)" }
        if let path, !path.isEmpty { text += ": " + path }
        return text + ": " + message
    }
}

/// Every error found in a set of manifests (nothing is applied when there is one).
public struct ManifestErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [ManifestError]

    public init(_ errors: [ManifestError]) { self.errors = errors }

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
