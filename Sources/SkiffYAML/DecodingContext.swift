import Foundation

/// State shared by every decoder and container of one `NodeDecoder.decode` call: the root
/// (for marks in translated errors), the unknown-field policy and the warnings collected.
/// Lives only for that synchronous call, so it is a plain class.
final class DecodingContext {
    let root: Node
    let unknownFields: NodeDecoder.UnknownFields
    private(set) var warnings: [YAMLError] = []
    /// Paths already warned about, so that decoding the same mapping twice (a custom
    /// `init(from:)` peeking at it first) does not repeat a warning.
    private var warned: Set<String> = []

    init(root: Node, unknownFields: NodeDecoder.UnknownFields) {
        self.root = root
        self.unknownFields = unknownFields
    }

    /// Scalars are decoded here directly; everything else through its `init(from:)`.
    func decode<T: Decodable>(_ type: T.Type, from node: Node, at codingPath: [any CodingKey]) throws -> T {
        if let value = try decodeScalar(type, from: node, at: codingPath) { return value }
        return try T(from: NodeDecoderImpl(node: node, codingPath: codingPath, context: self))
    }

    /// Unknown field: throws in `.error` mode, records a warning in `.collect` mode.
    func unknownField(_ name: String, key: Node, at codingPath: [any CodingKey]) throws(YAMLError) {
        let path = Self.path(codingPath + [FieldKey(name)])
        let error = YAMLError(.unknownField, "unknown field \(String(reflecting: name))", mark: key.mark, path: path)
        switch unknownFields {
        case .error:
            throw error
        case .collect:
            if warned.insert(path).inserted { warnings.append(error) }
        }
    }

    func mismatch(expected: String, _ node: Node, at codingPath: [any CodingKey], hint: String = "") -> YAMLError {
        error(.typeMismatch, "expected \(expected), got \(Self.describe(node))\(hint)", node, codingPath)
    }

    func error(_ code: YAMLError.Code, _ message: String, _ node: Node, _ codingPath: [any CodingKey]) -> YAMLError {
        let path = Self.path(codingPath)
        return YAMLError(code, message, mark: node.mark, path: path.isEmpty ? nil : path)
    }

    /// "string \"http\"", "number 1.0", "bool true", "null", "a mapping", "a sequence".
    static func describe(_ node: Node) -> String {
        switch node.content {
        case .mapping: return "a mapping"
        case .sequence: return "a sequence"
        case .scalar(let text, let style):
            switch ScalarResolver.kind(text, style: style, tag: node.tag) {
            case .null: return "null"
            case .bool: return "bool \(text)"
            case .int, .float: return "number \(text)"
            case .string: return "string \(String(reflecting: text))"
            }
        }
    }
}

// MARK: - Scalars

extension DecodingContext {
    /// The value when T is a type decoded straight from a scalar, nil for other types.
    private func decodeScalar<T>(_ type: T.Type, from node: Node, at path: [any CodingKey]) throws(YAMLError) -> T? {
        switch type {
        case is String.Type: return try string(node, path) as? T
        case is Bool.Type: return try bool(node, path) as? T
        case is Int.Type: return try integer(Int.self, node, path) as? T
        case is Int64.Type: return try integer(Int64.self, node, path) as? T
        case is Int32.Type: return try integer(Int32.self, node, path) as? T
        case is Int16.Type: return try integer(Int16.self, node, path) as? T
        case is Int8.Type: return try integer(Int8.self, node, path) as? T
        case is UInt.Type: return try integer(UInt.self, node, path) as? T
        case is UInt64.Type: return try integer(UInt64.self, node, path) as? T
        case is UInt32.Type: return try integer(UInt32.self, node, path) as? T
        case is UInt16.Type: return try integer(UInt16.self, node, path) as? T
        case is UInt8.Type: return try integer(UInt8.self, node, path) as? T
        case is Double.Type: return try double(node, path) as? T
        case is Float.Type: return try float(node, path) as? T
        case is URL.Type: return try url(node, path) as? T
        default: return nil
        }
    }

    func string(_ node: Node, _ path: [any CodingKey]) throws(YAMLError) -> String {
        guard case .scalar(let text, let style) = node.content else { throw mismatch(expected: "a string", node, at: path) }
        switch ScalarResolver.kind(text, style: style, tag: node.tag) {
        case .string:
            return text
        case .null:
            throw mismatch(expected: "a string", node, at: path)
        case .bool, .int, .float:
            throw mismatch(expected: "a string", node, at: path, hint: " (quote it: \(String(reflecting: text)))")
        }
    }

    func bool(_ node: Node, _ path: [any CodingKey]) throws(YAMLError) -> Bool {
        guard case .bool(let value) = node.resolved else {
            let yaml11 = ["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF"]
            let hint = node.scalar.map(yaml11.contains) == true ? " (use true or false)" : ""
            throw mismatch(expected: "a boolean", node, at: path, hint: hint)
        }
        return value
    }

    /// Integers only from scalars resolving to int, or to a float without a fraction (as
    /// Kubernetes' YAML-to-JSON step accepts `80.0`); range-checked for the exact width.
    func integer<I: FixedWidthInteger>(_ type: I.Type, _ node: Node, _ path: [any CodingKey]) throws(YAMLError) -> I {
        guard case .scalar(let text, let style) = node.content else { throw mismatch(expected: "an integer", node, at: path) }
        let outOfRange = error(
            .invalidValue, "expected an integer between \(I.min) and \(I.max), got \(text)", node, path)
        switch ScalarResolver.kind(text, style: style, tag: node.tag) {
        case .int:
            guard let value = ScalarResolver.integer(text, as: I.self) else { throw outOfRange }
            return value
        case .float:
            let value = ScalarResolver.floatValue(text)
            guard value.isFinite, value.rounded(.towardZero) == value else {
                throw mismatch(expected: "an integer", node, at: path)
            }
            guard let exact = I(exactly: value) else { throw outOfRange }
            return exact
        default:
            throw mismatch(expected: "an integer", node, at: path)
        }
    }

    func double(_ node: Node, _ path: [any CodingKey]) throws(YAMLError) -> Double {
        switch node.resolved {
        case .int(let value): return Double(value)
        case .float(let value): return value
        default: throw mismatch(expected: "a number", node, at: path)
        }
    }

    func float(_ node: Node, _ path: [any CodingKey]) throws(YAMLError) -> Float {
        let value = try double(node, path)
        let narrowed = Float(value)
        guard narrowed.isFinite || !value.isFinite else {
            throw error(.invalidValue, "expected a number within Float range, got \(node.scalar ?? "")", node, path)
        }
        return narrowed
    }

    func url(_ node: Node, _ path: [any CodingKey]) throws(YAMLError) -> URL {
        let text = try string(node, path)
        guard let url = URL(string: text) else {
            throw error(.invalidValue, "expected a URL, got \(String(reflecting: text))", node, path)
        }
        return url
    }
}
