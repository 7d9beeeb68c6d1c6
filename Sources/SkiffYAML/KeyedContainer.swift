/// Keyed access to a mapping. Creating it checks every key against `Key(stringValue:)`:
/// keys the type does not know are unknown fields (thrown or collected per the policy).
struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let node: Node
    let codingPath: [any CodingKey]
    let context: DecodingContext
    private let pairs: [Node.Pair]
    /// Key text -> pair index, built only for larger mappings (labels, data maps), where a
    /// linear scan per lookup would make decoding quadratic.
    private let index: [String: Int]?

    init(node: Node, codingPath: [any CodingKey], context: DecodingContext) throws(YAMLError) {
        guard case .mapping(let pairs) = node.content else {
            throw context.mismatch(expected: "a mapping", node, at: codingPath)
        }
        for pair in pairs {
            guard let name = pair.key.scalar else {
                throw context.error(
                    .typeMismatch, "expected a scalar mapping key, got \(DecodingContext.describe(pair.key))",
                    pair.key, codingPath)
            }
            if Key(stringValue: name) == nil { try context.unknownField(name, key: pair.key, at: codingPath) }
        }
        self.node = node
        self.codingPath = codingPath
        self.context = context
        self.pairs = pairs
        if pairs.count > 8 {
            var index: [String: Int] = [:]
            index.reserveCapacity(pairs.count)
            for (position, pair) in pairs.enumerated() { index[pair.key.scalar ?? ""] = index[pair.key.scalar ?? ""] ?? position }
            self.index = index
        } else {
            self.index = nil
        }
    }

    var allKeys: [Key] { pairs.compactMap { $0.key.scalar.flatMap(Key.init(stringValue:)) } }

    func contains(_ key: Key) -> Bool { value(for: key) != nil }

    private func value(for key: Key) -> Node? {
        if let index { return index[key.stringValue].map { pairs[$0].value } }
        return pairs.first { $0.key.scalar == key.stringValue }?.value
    }

    private func require(_ key: Key) throws(YAMLError) -> Node {
        guard let value = value(for: key) else {
            throw context.error(
                .missingField, "missing required field \(String(reflecting: key.stringValue))", node, codingPath + [key])
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { try require(key).isNull }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try required(type, key) }

    /// Absent and null both mean nil, as in Kubernetes.
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? { try optional(type, key) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        KeyedDecodingContainer(try KeyedContainer<NestedKey>(node: require(key), codingPath: codingPath + [key], context: context))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try UnkeyedContainer(node: require(key), codingPath: codingPath + [key], context: context)
    }

    func superDecoder() throws -> any Decoder { decoder(for: FieldKey("super")) }

    func superDecoder(forKey key: Key) throws -> any Decoder { decoder(for: key) }

    /// A decoder for the value at `key`, or for null when the key is absent (as JSONDecoder does).
    private func decoder(for key: any CodingKey) -> any Decoder {
        let value = pairs.first { $0.key.scalar == key.stringValue }?.value ?? Node.scalar("", mark: node.mark)
        return NodeDecoderImpl(node: value, codingPath: codingPath + [key], context: context)
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try required(type, key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try required(type, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try required(type, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try required(type, key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try required(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try required(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try required(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try required(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try required(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try required(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try required(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try required(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try required(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try required(type, key) }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try optional(type, key) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try optional(type, key) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try optional(type, key) }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try optional(type, key) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try optional(type, key) }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try optional(type, key) }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try optional(type, key) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try optional(type, key) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try optional(type, key) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try optional(type, key) }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try optional(type, key) }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try optional(type, key) }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try optional(type, key) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try optional(type, key) }

    private func required<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
        try context.decode(T.self, from: require(key), at: codingPath + [key])
    }

    private func optional<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T? {
        guard let value = value(for: key), !value.isNull else { return nil }
        return try context.decode(T.self, from: value, at: codingPath + [key])
    }
}
