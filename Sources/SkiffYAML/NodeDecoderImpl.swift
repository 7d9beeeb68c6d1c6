/// The `Decoder` for one node. Containers check the node's shape up front, so a JSON-like
/// enum that tries keyed, then unkeyed, then single-value decoding lands on the right one.
final class NodeDecoderImpl: Decoder {
    let node: Node
    let codingPath: [any CodingKey]
    let context: DecodingContext
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(node: Node, codingPath: [any CodingKey], context: DecodingContext) {
        self.node = node
        self.codingPath = codingPath
        self.context = context
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(try KeyedContainer<Key>(node: node, codingPath: codingPath, context: context))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try UnkeyedContainer(node: node, codingPath: codingPath, context: context)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueContainer(node: node, codingPath: codingPath, context: context)
    }
}

/// Values decode through `DecodingContext.decode`, so String, Int, Bool... get the strict
/// checks; anything else becomes a nested decoder.
struct SingleValueContainer: SingleValueDecodingContainer {
    let node: Node
    let codingPath: [any CodingKey]
    let context: DecodingContext

    func decodeNil() -> Bool { node.isNull }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try context.decode(T.self, from: node, at: codingPath)
    }

    func decode(_ type: Bool.Type) throws -> Bool { try context.decode(type, from: node, at: codingPath) }
    func decode(_ type: String.Type) throws -> String { try context.decode(type, from: node, at: codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try context.decode(type, from: node, at: codingPath) }
    func decode(_ type: Float.Type) throws -> Float { try context.decode(type, from: node, at: codingPath) }
    func decode(_ type: Int.Type) throws -> Int { try context.decode(type, from: node, at: codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try context.decode(type, from: node, at: codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try context.decode(type, from: node, at: codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try context.decode(type, from: node, at: codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try context.decode(type, from: node, at: codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try context.decode(type, from: node, at: codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try context.decode(type, from: node, at: codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try context.decode(type, from: node, at: codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try context.decode(type, from: node, at: codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try context.decode(type, from: node, at: codingPath) }
}
