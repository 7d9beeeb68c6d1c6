import Foundation

extension FastJSONEncoder {
    /// An object's members, appended in encoding order (sorted when written).
    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let context: Context
        let object: Int

        var codingPath: [any CodingKey] {
            _ = context.giveUp()
            return []
        }

        private func append(_ key: Key, _ value: Value) {
            context.objects[object].append(Member(key: key.stringValue, value: value))
        }

        mutating func encodeNil(forKey key: Key) throws { append(key, .null) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { append(key, .bool(value)) }
        mutating func encode(_ value: String, forKey key: Key) throws { append(key, .string(value)) }
        mutating func encode(_ value: Double, forKey key: Key) throws { throw context.giveUp() }
        mutating func encode(_ value: Float, forKey key: Key) throws { throw context.giveUp() }
        mutating func encode(_ value: Int, forKey key: Key) throws { append(key, .signed(Int64(value))) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { append(key, .signed(Int64(value))) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { append(key, .signed(Int64(value))) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { append(key, .signed(Int64(value))) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { append(key, .signed(value)) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { append(key, .unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { append(key, .unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { append(key, .unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { append(key, .unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { append(key, .unsigned(value)) }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            append(key, try context.encode(value))
        }

        // The optional requirements, so that synthesized `encode(to:)`s (which call `encodeIfPresent` for every
        // optional field) reach the values without the defaults' generic hops: half of the time otherwise.
        mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { if let value { append(key, .bool(value)) } }
        mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { if let value { append(key, .string(value)) } }
        mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { if value != nil { throw context.giveUp() } }
        mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { if value != nil { throw context.giveUp() } }
        mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { if let value { append(key, .signed(Int64(value))) } }
        mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { if let value { append(key, .signed(Int64(value))) } }
        mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { if let value { append(key, .signed(Int64(value))) } }
        mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { if let value { append(key, .signed(Int64(value))) } }
        mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { if let value { append(key, .signed(value)) } }
        mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { if let value { append(key, .unsigned(UInt64(value))) } }
        mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { if let value { append(key, .unsigned(UInt64(value))) } }
        mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { if let value { append(key, .unsigned(UInt64(value))) } }
        mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { if let value { append(key, .unsigned(UInt64(value))) } }
        mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { if let value { append(key, .unsigned(value)) } }

        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
            if let value { append(key, try context.encode(value)) }
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let nested = context.newObject()
            append(key, .object(nested))
            return KeyedEncodingContainer(Keyed<NestedKey>(context: context, object: nested))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let nested = context.newArray()
            append(key, .array(nested))
            return Unkeyed(context: context, array: nested)
        }

        mutating func superEncoder() -> any Encoder {
            _ = context.giveUp()
            return Impl(context: context, slot: -1)
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            _ = context.giveUp()
            return Impl(context: context, slot: -1)
        }
    }

    /// An array's elements, in order.
    struct Unkeyed: UnkeyedEncodingContainer {
        let context: Context
        let array: Int

        var codingPath: [any CodingKey] {
            _ = context.giveUp()
            return []
        }

        var count: Int { context.arrays[array].count }

        private func append(_ value: Value) { context.arrays[array].append(value) }

        mutating func encodeNil() throws { append(.null) }
        mutating func encode(_ value: Bool) throws { append(.bool(value)) }
        mutating func encode(_ value: String) throws { append(.string(value)) }
        mutating func encode(_ value: Double) throws { throw context.giveUp() }
        mutating func encode(_ value: Float) throws { throw context.giveUp() }
        mutating func encode(_ value: Int) throws { append(.signed(Int64(value))) }
        mutating func encode(_ value: Int8) throws { append(.signed(Int64(value))) }
        mutating func encode(_ value: Int16) throws { append(.signed(Int64(value))) }
        mutating func encode(_ value: Int32) throws { append(.signed(Int64(value))) }
        mutating func encode(_ value: Int64) throws { append(.signed(value)) }
        mutating func encode(_ value: UInt) throws { append(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt8) throws { append(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt16) throws { append(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt32) throws { append(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt64) throws { append(.unsigned(value)) }

        mutating func encode<T: Encodable>(_ value: T) throws {
            append(try context.encode(value))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let nested = context.newObject()
            append(.object(nested))
            return KeyedEncodingContainer(Keyed<NestedKey>(context: context, object: nested))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let nested = context.newArray()
            append(.array(nested))
            return Unkeyed(context: context, array: nested)
        }

        mutating func superEncoder() -> any Encoder {
            _ = context.giveUp()
            return Impl(context: context, slot: -1)
        }
    }

    /// One value in the encoder's slot.
    struct Single: SingleValueEncodingContainer {
        let encoder: Impl

        var codingPath: [any CodingKey] { encoder.codingPath }

        mutating func encodeNil() throws { encoder.set(.null) }
        mutating func encode(_ value: Bool) throws { encoder.set(.bool(value)) }
        mutating func encode(_ value: String) throws { encoder.set(.string(value)) }
        mutating func encode(_ value: Double) throws { throw encoder.context.giveUp() }
        mutating func encode(_ value: Float) throws { throw encoder.context.giveUp() }
        mutating func encode(_ value: Int) throws { encoder.set(.signed(Int64(value))) }
        mutating func encode(_ value: Int8) throws { encoder.set(.signed(Int64(value))) }
        mutating func encode(_ value: Int16) throws { encoder.set(.signed(Int64(value))) }
        mutating func encode(_ value: Int32) throws { encoder.set(.signed(Int64(value))) }
        mutating func encode(_ value: Int64) throws { encoder.set(.signed(value)) }
        mutating func encode(_ value: UInt) throws { encoder.set(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt8) throws { encoder.set(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt16) throws { encoder.set(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt32) throws { encoder.set(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt64) throws { encoder.set(.unsigned(value)) }

        mutating func encode<T: Encodable>(_ value: T) throws {
            encoder.set(try encoder.context.encode(value))
        }
    }
}
