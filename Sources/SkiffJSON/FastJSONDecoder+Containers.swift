import Foundation

extension FastJSONDecoder {
    /// An object's members, found by comparing key bytes (objects are small; every lookup scans them all, which
    /// also finds duplicate keys, left to `JSONDecoder`).
    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let context: Context
        let index: Int

        var codingPath: [any CodingKey] {
            _ = context.giveUp()
            return []
        }

        /// The value node of `key`, nil when absent.
        private func find(_ key: Key) throws -> Int? {
            let nodes = context.document.nodes
            let name = key.stringValue
            var member = index + 1
            var found: Int?
            for _ in 0..<Int(nodes[index].count) {
                let keyNode = nodes[member]
                let value = Int(keyNode.next)
                // Escaped keys are common: JSONEncoder writes every "/" as "\/" (label keys such as
                // "kubernetes.io/service-name"). They are compared unescaped (`\u` escapes go to JSONDecoder).
                let matches = keyNode.escaped ? try context.string(member) == name : context.document.equals(keyNode, name)
                if matches {
                    if found != nil { throw context.giveUp() }
                    found = value
                }
                member = Int(nodes[value].next)
            }
            return found
        }

        private func value(_ key: Key) throws -> Int {
            guard let found = try find(key) else {
                throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "no value for \(key.stringValue)"))
            }
            return found
        }

        var allKeys: [Key] {
            let nodes = context.document.nodes
            var keys: [Key] = []
            var names = Set<String>()
            var member = index + 1
            for _ in 0..<Int(nodes[index].count) {
                guard let name = try? context.string(member), names.insert(name).inserted else {
                    _ = context.giveUp()
                    return []
                }
                if let key = Key(stringValue: name) { keys.append(key) }
                member = Int(nodes[Int(nodes[member].next)].next)
            }
            return keys
        }

        func contains(_ key: Key) -> Bool {
            (try? find(key)) != nil
        }

        func decodeNil(forKey key: Key) throws -> Bool {
            context.node(try value(key)).kind == .null
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try context.decode(type, node: try value(key))
        }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            guard let found = try find(key), context.node(found).kind != .null else { return nil }
            return try context.decode(type, node: found)
        }

        // The primitive requirements, so that synthesized `init(from:)`s reach them without the defaults' three
        // lookups (`contains`, `decodeNil`, `decode`) per optional field.
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try context.string(try value(key)) }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try context.bool(try value(key)) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try context.integer(type, try value(key)) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try context.integer(type, try value(key)) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try context.integer(type, try value(key)) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try context.double(try value(key)) }

        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
            guard let found = try find(key), context.node(found).kind != .null else { return nil }
            return try context.string(found)
        }

        func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
            guard let found = try find(key), context.node(found).kind != .null else { return nil }
            return try context.bool(found)
        }

        func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
            guard let found = try find(key), context.node(found).kind != .null else { return nil }
            return try context.integer(type, found)
        }

        func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? {
            guard let found = try find(key), context.node(found).kind != .null else { return nil }
            return try context.integer(type, found)
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try Impl(context: context, index: try value(key)).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try Impl(context: context, index: try value(key)).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder { throw context.giveUp() }
        func superDecoder(forKey key: Key) throws -> any Decoder { throw context.giveUp() }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let context: Context
        let count: Int?
        /// The node of the next element.
        var next: Int
        var currentIndex = 0

        init(context: Context, count: Int, next: Int) {
            self.context = context
            self.count = count
            self.next = next
        }

        var codingPath: [any CodingKey] {
            _ = context.giveUp()
            return []
        }

        var isAtEnd: Bool { currentIndex >= count! }

        private mutating func take() throws -> Int {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(Any.self, .init(codingPath: [], debugDescription: "unkeyed container is at end"))
            }
            let node = next
            next = Int(context.node(node).next)
            currentIndex += 1
            return node
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd else { throw context.giveUp() }
            if context.node(next).kind == .null {
                _ = try take()
                return true
            }
            return false
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let node = next
            guard !isAtEnd else { throw context.giveUp() }
            let value = try context.decode(type, node: node)
            _ = try take()  // JSONDecoder moves on only after a successful decode
            return value
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            guard !isAtEnd else { throw context.giveUp() }
            let container = try Impl(context: context, index: next).container(keyedBy: type)
            _ = try take()
            return container
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            guard !isAtEnd else { throw context.giveUp() }
            let container = try Impl(context: context, index: next).unkeyedContainer()
            _ = try take()
            return container
        }

        mutating func superDecoder() throws -> any Decoder { throw context.giveUp() }
    }

    struct Single: SingleValueDecodingContainer {
        let decoder: Impl
        var codingPath: [any CodingKey] { decoder.codingPath }
        private var context: Context { decoder.context }
        private var index: Int { decoder.index }

        func decodeNil() -> Bool { context.node(index).kind == .null }
        func decode(_ type: Bool.Type) throws -> Bool { try context.bool(index) }
        func decode(_ type: String.Type) throws -> String { try context.string(index) }
        func decode(_ type: Double.Type) throws -> Double { try context.double(index) }
        func decode(_ type: Float.Type) throws -> Float { throw context.giveUp() }
        func decode(_ type: Int.Type) throws -> Int { try context.integer(type, index) }
        func decode(_ type: Int8.Type) throws -> Int8 { try context.integer(type, index) }
        func decode(_ type: Int16.Type) throws -> Int16 { try context.integer(type, index) }
        func decode(_ type: Int32.Type) throws -> Int32 { try context.integer(type, index) }
        func decode(_ type: Int64.Type) throws -> Int64 { try context.integer(type, index) }
        func decode(_ type: UInt.Type) throws -> UInt { try context.integer(type, index) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try context.integer(type, index) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try context.integer(type, index) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try context.integer(type, index) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try context.integer(type, index) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try context.decode(type, node: index) }
    }

    struct IndexKey: CodingKey {
        var stringValue: String { "Index \(intValue!)" }
        var intValue: Int?
        init(intValue: Int) { self.intValue = intValue }
        init?(stringValue: String) { nil }
    }
}
