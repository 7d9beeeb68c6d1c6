import SkiffYAML
import Testing

/// A node tree without marks, styles or tags: what a value means, for comparing trees that
/// were written differently (JSON vs emitted YAML).
enum Value: Equatable, CustomStringConvertible {
    case scalar(ResolvedScalar)
    case sequence([Value])
    case mapping([Entry])

    struct Entry: Equatable {
        var key: Value
        var value: Value
    }

    init(_ node: Node) {
        switch node.content {
        case .scalar: self = .scalar(node.resolved ?? .null)
        case .sequence(let items): self = .sequence(items.map(Value.init))
        case .mapping(let pairs): self = .mapping(pairs.map { Entry(key: Value($0.key), value: Value($0.value)) })
        }
    }

    var description: String {
        switch self {
        case .scalar(let scalar): return "\(scalar)"
        case .sequence(let items): return "[\(items.map(\.description).joined(separator: ", "))]"
        case .mapping(let entries): return "{\(entries.map { "\($0.key): \($0.value)" }.joined(separator: ", "))}"
        }
    }
}

/// Parses text expected to hold exactly one non-empty document.
func parseOne(_ text: String, limits: YAMLLimits = .default) throws -> Node {
    let documents = try YAMLParser.parse(text, limits: limits)
    try #require(documents.count == 1)
    return try #require(documents[0].root)
}

/// The YAMLError thrown by `body`, or nil if it did not throw one.
func yamlError(_ body: () throws -> Void) -> YAMLError? {
    do {
        try body()
        return nil
    } catch let error as YAMLError {
        return error
    } catch {
        return nil
    }
}

func mark(_ line: Int, _ column: Int) -> Mark { Mark(line: line, column: column) }
