/// Decodes `Decodable` values from a `Node` tree with Kubernetes-strict typing: a quoted "80"
/// is not an integer, an unquoted `1.0` is not a string, unknown fields are errors (or
/// warnings). Every error names the field path, the node's mark, and expected vs found.
public struct NodeDecoder: Sendable {
    public enum UnknownFields: Sendable {
        /// The first unknown field ends the decode with `.unknownField`.
        case error
        /// Unknown fields are skipped and returned as warnings.
        case collect
    }

    public var unknownFields: UnknownFields

    public init(unknownFields: UnknownFields = .error) {
        self.unknownFields = unknownFields
    }

    /// Decodes T from the node. Unknown fields (a mapping key that T's CodingKeys rejects,
    /// i.e. `Key(stringValue:) == nil`) either throw (.error) or are returned as warnings
    /// (.collect). Type errors name the path, mark, and what was expected vs found, e.g.
    /// `spec.ports[0].port: expected an integer, got string "http"`. `DecodingError`s thrown
    /// by hand-written `init(from:)` are translated, with the mark of the node they name.
    public func decode<T: Decodable>(_ type: T.Type, from node: Node) throws(YAMLError) -> (value: T, warnings: [YAMLError]) {
        let context = DecodingContext(root: node, unknownFields: unknownFields)
        do {
            let value = try context.decode(T.self, from: node, at: [])
            return (value, context.warnings)
        } catch let error as YAMLError {
            throw error
        } catch let error as DecodingError {
            throw context.translate(error)
        } catch {
            throw YAMLError(.invalidValue, String(describing: error), mark: node.mark)
        }
    }

    /// Decodes a document's root, stamping the document index on errors and warnings.
    /// An empty document is an `.invalidValue` error.
    public func decode<T: Decodable>(_ type: T.Type, from document: YAMLDocument) throws(YAMLError) -> (value: T, warnings: [YAMLError]) {
        guard let root = document.root else {
            throw YAMLError(.invalidValue, "document is empty", mark: document.start, documentIndex: document.index)
        }
        do {
            var result = try decode(type, from: root)
            for index in result.warnings.indices { result.warnings[index].documentIndex = document.index }
            return result
        } catch {
            var error = error
            error.documentIndex = document.index
            throw error
        }
    }
}
