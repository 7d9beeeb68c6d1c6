/// Coding keys and paths: how a decode position is named in errors and found in the tree.

/// The coding key of a sequence item; rendered as `[i]` in paths.
struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }

    init(_ index: Int) { intValue = index }
    init?(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}

/// A field name as a coding key, for paths of fields that the target type has no key for.
struct FieldKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension DecodingContext {
    /// Kubernetes-style path: `spec.ports[0].port`; dictionary keys join with a dot as-is.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var result = ""
        for key in codingPath {
            if key is IndexKey, let index = key.intValue {
                result += "[\(index)]"
            } else {
                if !result.isEmpty { result += "." }
                result += key.stringValue
            }
        }
        return result
    }

    /// The node a coding path names, walked structurally from the root; the deepest node
    /// that exists when the path goes further than the tree.
    func deepestNode(at codingPath: [any CodingKey]) -> Node {
        var node = root
        for key in codingPath {
            let next: Node?
            if key is IndexKey, let index = key.intValue {
                next = node[index]
            } else {
                next = node[key.stringValue]
            }
            guard let next else { break }
            node = next
        }
        return node
    }

    /// Errors from hand-written `init(from:)` (and the standard library's enum and
    /// dictionary conformances) become YAMLErrors pointing at the node they are about.
    func translate(_ error: DecodingError) -> YAMLError {
        switch error {
        case .keyNotFound(let key, let context):
            let parent = deepestNode(at: context.codingPath)
            return YAMLError(
                .missingField, "missing required field \(String(reflecting: key.stringValue))",
                mark: parent.mark, path: Self.path(context.codingPath + [key]))
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return yamlError(.typeMismatch, context)
        case .dataCorrupted(let context):
            return yamlError(.invalidValue, context)
        @unknown default:
            return YAMLError(.invalidValue, String(describing: error), mark: root.mark)
        }
    }

    private func yamlError(_ code: YAMLError.Code, _ context: DecodingError.Context) -> YAMLError {
        let path = Self.path(context.codingPath)
        return YAMLError(
            code, context.debugDescription, mark: deepestNode(at: context.codingPath).mark,
            path: path.isEmpty ? nil : path)
    }
}
