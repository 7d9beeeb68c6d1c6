/// Sequential access to a sequence; item paths render as `[i]`.
struct UnkeyedContainer: UnkeyedDecodingContainer {
    let node: Node
    let codingPath: [any CodingKey]
    let context: DecodingContext
    private let items: [Node]
    private(set) var currentIndex = 0

    init(node: Node, codingPath: [any CodingKey], context: DecodingContext) throws(YAMLError) {
        guard case .sequence(let items) = node.content else {
            throw context.mismatch(expected: "a sequence", node, at: codingPath)
        }
        self.node = node
        self.codingPath = codingPath
        self.context = context
        self.items = items
    }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    /// The next item and its path, advancing only when the caller's decode succeeds.
    private func next() throws(YAMLError) -> (Node, [any CodingKey]) {
        guard !isAtEnd else {
            throw context.error(
                .typeMismatch, "expected more than \(items.count) items in the sequence", node, codingPath)
        }
        return (items[currentIndex], codingPath + [IndexKey(currentIndex)])
    }

    mutating func decodeNil() throws -> Bool {
        let (item, _) = try next()
        guard item.isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try decodeItem(type) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        let (item, path) = try next()
        let container = try KeyedContainer<NestedKey>(node: item, codingPath: path, context: context)
        currentIndex += 1
        return KeyedDecodingContainer(container)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (item, path) = try next()
        let container = try UnkeyedContainer(node: item, codingPath: path, context: context)
        currentIndex += 1
        return container
    }

    mutating func superDecoder() throws -> any Decoder {
        let (item, path) = try next()
        currentIndex += 1
        return NodeDecoderImpl(node: item, codingPath: path, context: context)
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try decodeItem(type) }
    mutating func decode(_ type: String.Type) throws -> String { try decodeItem(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try decodeItem(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try decodeItem(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try decodeItem(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try decodeItem(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try decodeItem(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try decodeItem(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try decodeItem(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try decodeItem(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try decodeItem(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try decodeItem(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try decodeItem(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try decodeItem(type) }

    /// Shared body of the concrete overloads.
    private mutating func decodeItem<T: Decodable>(_ type: T.Type) throws -> T {
        let (item, path) = try next()
        let value = try context.decode(T.self, from: item, at: path)
        currentIndex += 1
        return value
    }
}
