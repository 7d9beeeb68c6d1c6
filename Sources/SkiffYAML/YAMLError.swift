/// The one error type of SkiffYAML: parse, limit, decode, emit and file-loading failures.
/// `Code` drives control flow; `description` is what a user sees.
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: Sendable, Equatable, Hashable {
        case syntax, aliasLimit, depthLimit, duplicateKey
        case typeMismatch, unknownField, missingField, invalidValue
        /// The input is larger than `YAMLLimits.maxInputBytes`.
        case sizeLimit
        /// libyaml's emitter refused the event stream.
        case emitFailed
        /// `ManifestSources`: a path that does not exist, a file that cannot be read, bytes
        /// that are not UTF-8, a directory without manifests.
        case notFound, unreadable, notUTF8, noManifests
    }

    public var code: Code
    public var message: String
    public var mark: Mark?
    /// Kubernetes-style field path, e.g. `spec.ports[0].port`.
    public var path: String?
    /// 1-based index of the document within its stream.
    public var documentIndex: Int?
    /// File name (or `<stdin>`), set by callers that know it; prefixes `description`.
    public var source: String?

    public init(
        _ code: Code, _ message: String, mark: Mark? = nil, path: String? = nil,
        documentIndex: Int? = nil, source: String? = nil
    ) {
        self.code = code
        self.message = message
        self.mark = mark
        self.path = path
        self.documentIndex = documentIndex
        self.source = source
    }

    /// `[source: ]line 14, column 9: spec.ports[0].port: message`, leaving out missing parts.
    /// The document index is not repeated: lines count from the start of the stream.
    public var description: String {
        var parts: [String] = []
        if let source { parts.append(source) }
        if let mark { parts.append(mark.description) }
        if let path, !path.isEmpty { parts.append(path) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}
