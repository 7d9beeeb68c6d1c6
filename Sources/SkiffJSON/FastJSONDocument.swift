import Foundation

/// A JSON document parsed into one flat array of nodes, for `FastJSONDecoder`: no per-value allocation, keys and
/// strings stay bytes until a `Decodable` asks for them.
///
/// Nodes are in pre-order; a container's children follow it, and every node knows where its subtree ends
/// (`next`), so walking an object's members skips nested values in one step. An object's children alternate key,
/// value. Only strict RFC 8259 JSON is accepted (one value, optional whitespace around it).
///
/// The apiserver also uses it to cut an `apply` List into its items' bytes without building Foundation objects.
public struct FastJSONDocument: Sendable {
    enum Kind: UInt8 { case null, bool, number, string, object, array }

    struct Node {
        var kind: Kind
        /// Strings: the bytes between the quotes contain a backslash.
        var escaped = false
        /// Bool: its value. Number: no fraction or exponent.
        var flag = false
        /// Scalars: the value's bytes (strings without quotes). Containers: the offset of the bracket, and the
        /// number of members/elements.
        var start: Int32 = 0
        var count: Int32 = 0
        /// Containers: the offset after the closing bracket.
        var end: Int32 = 0
        /// The index of the node after this one's subtree.
        var next: Int32 = 0
    }

    public struct Malformed: Error {}

    let bytes: [UInt8]
    private(set) var nodes: [Node] = []

    public init(_ bytes: [UInt8]) throws(Malformed) {
        self.bytes = bytes
        nodes.reserveCapacity(bytes.count / 8)
        var parser = Parser(bytes: bytes)
        parser.skipSpace()
        try parser.value(into: &nodes, depth: 0)
        parser.skipSpace()
        guard parser.at == bytes.count else { throw Malformed() }
    }

    /// The root value is a JSON object.
    public var isObject: Bool { nodes[0].kind == .object }

    /// The value of the root object's member `key` (the last one if repeated, as Foundation's parsers keep it).
    public func member(_ key: String) -> Value? {
        guard isObject else { return nil }
        var found: Value?
        var member = 1
        for _ in 0..<Int(nodes[0].count) {
            let value = Int(nodes[member].next)
            if !nodes[member].escaped, equals(nodes[member], key) { found = Value(document: self, index: value) }
            member = Int(nodes[value].next)
        }
        return found
    }

    /// One value of the document, for reading the top level without a `Decodable`.
    public struct Value {
        let document: FastJSONDocument
        let index: Int

        /// The string, if the value is one without escapes.
        public var string: String? {
            let node = document.nodes[index]
            guard node.kind == .string, !node.escaped else { return nil }
            return String(validating: document.slice(node), as: UTF8.self)
        }

        /// The elements, if the value is an array.
        public var elements: [Value]? {
            guard document.nodes[index].kind == .array else { return nil }
            var elements: [Value] = []
            var element = index + 1
            for _ in 0..<Int(document.nodes[index].count) {
                elements.append(Value(document: document, index: element))
                element = Int(document.nodes[element].next)
            }
            return elements
        }

        /// The value's JSON text as it appears in the document.
        public var text: ArraySlice<UInt8> {
            let node = document.nodes[index]
            switch node.kind {
            case .object, .array: return document.bytes[Int(node.start)..<Int(node.end)]
            case .string: return document.bytes[Int(node.start - 1)..<Int(node.start + node.count + 1)]
            case .number: return document.slice(node)
            case .bool: return node.flag ? ArraySlice("true".utf8) : ArraySlice("false".utf8)
            case .null: return ArraySlice("null".utf8)
            }
        }
    }

    /// The bytes of a string or number node.
    func slice(_ node: Node) -> ArraySlice<UInt8> {
        bytes[Int(node.start)..<Int(node.start + node.count)]
    }

    /// Whether the string node `node` spells exactly `key` (no escapes: a key with escapes never matches here, and
    /// the caller falls back to the exact decoder).
    func equals(_ node: Node, _ key: String) -> Bool {
        var key = key
        return key.withUTF8 { utf8 in
            guard utf8.count == Int(node.count) else { return false }
            return bytes.withUnsafeBufferPointer { all in
                memcmp(all.baseAddress! + Int(node.start), utf8.baseAddress!, utf8.count) == 0
            }
        }
    }

    private struct Parser {
        let bytes: [UInt8]
        var at = 0

        mutating func skipSpace() {
            while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
        }

        mutating func value(into nodes: inout [Node], depth: Int) throws(Malformed) {
            guard at < bytes.count, depth < 512 else { throw Malformed() }
            switch bytes[at] {
            case UInt8(ascii: "{"): try container(into: &nodes, depth: depth, object: true)
            case UInt8(ascii: "["): try container(into: &nodes, depth: depth, object: false)
            case UInt8(ascii: "\""):
                try string(into: &nodes)
            case UInt8(ascii: "t"): try literal("true", .bool, true, into: &nodes)
            case UInt8(ascii: "f"): try literal("false", .bool, false, into: &nodes)
            case UInt8(ascii: "n"): try literal("null", .null, false, into: &nodes)
            default: try number(into: &nodes)
            }
        }

        private mutating func literal(_ word: StaticString, _ kind: Kind, _ flag: Bool, into nodes: inout [Node]) throws(Malformed) {
            let count = word.utf8CodeUnitCount
            guard at + count <= bytes.count else { throw Malformed() }
            for index in 0..<count where bytes[at + index] != word.utf8Start[index] { throw Malformed() }
            at += count
            nodes.append(Node(kind: kind, flag: flag, next: Int32(nodes.count + 1)))
        }

        private mutating func string(into nodes: inout [Node]) throws(Malformed) {
            at += 1
            let start = at
            var escaped = false, ascii = true
            while true {
                guard at < bytes.count else { throw Malformed() }
                let byte = bytes[at]
                if byte == UInt8(ascii: "\"") { break }
                if byte < 0x20 { throw Malformed() }
                if byte >= 0x80 { ascii = false }
                if byte == UInt8(ascii: "\\") {
                    escaped = true
                    at += 1
                    try escape()
                    continue
                }
                at += 1
            }
            // Strings the Decodable never reads must be valid too, as JSONDecoder checks them all.
            if !ascii, String(validating: bytes[start..<at], as: UTF8.self) == nil { throw Malformed() }
            nodes.append(Node(kind: .string, escaped: escaped, start: Int32(start), count: Int32(at - start), next: Int32(nodes.count + 1)))
            at += 1
        }

        /// The escape after a backslash (`at` is past the backslash): one of `"\\/bfnrt`, or `u` and 4 hex digits.
        private mutating func escape() throws(Malformed) {
            guard at < bytes.count else { throw Malformed() }
            switch bytes[at] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                 UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                at += 1
            case UInt8(ascii: "u"):
                guard at + 4 < bytes.count else { throw Malformed() }
                for byte in bytes[(at + 1)...(at + 4)] where !(byte >= 0x30 && byte <= 0x39) && !((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x66) {
                    throw Malformed()
                }
                at += 5
            default:
                throw Malformed()
            }
        }

        private mutating func number(into nodes: inout [Node]) throws(Malformed) {
            let start = at
            var integer = true
            if at < bytes.count, bytes[at] == UInt8(ascii: "-") { at += 1 }
            guard digits() else { throw Malformed() }
            // No leading zeros: "0" alone or a non-zero first digit.
            let first = bytes[start] == UInt8(ascii: "-") ? start + 1 : start
            if bytes[first] == UInt8(ascii: "0"), at - first > 1 { throw Malformed() }
            if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
                integer = false
                at += 1
                guard digits() else { throw Malformed() }
            }
            if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
                integer = false
                at += 1
                if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
                guard digits() else { throw Malformed() }
            }
            nodes.append(Node(kind: .number, flag: integer, start: Int32(start), count: Int32(at - start), next: Int32(nodes.count + 1)))
        }

        /// One or more digits.
        private mutating func digits() -> Bool {
            let start = at
            while at < bytes.count, bytes[at] >= 0x30, bytes[at] <= 0x39 { at += 1 }
            return at > start
        }

        private mutating func container(into nodes: inout [Node], depth: Int, object: Bool) throws(Malformed) {
            let index = nodes.count
            nodes.append(Node(kind: object ? .object : .array, start: Int32(at)))
            let close = UInt8(ascii: object ? "}" : "]")
            at += 1
            skipSpace()
            var count: Int32 = 0
            if at < bytes.count, bytes[at] == close {
                at += 1
            } else {
                while true {
                    if object {
                        guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { throw Malformed() }
                        try string(into: &nodes)
                        skipSpace()
                        guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { throw Malformed() }
                        at += 1
                        skipSpace()
                    }
                    try value(into: &nodes, depth: depth + 1)
                    count += 1
                    skipSpace()
                    guard at < bytes.count else { throw Malformed() }
                    if bytes[at] == close { at += 1; break }
                    guard bytes[at] == UInt8(ascii: ",") else { throw Malformed() }
                    at += 1
                    skipSpace()
                }
            }
            nodes[index].count = count
            nodes[index].end = Int32(at)
            nodes[index].next = Int32(nodes.count)
        }
    }
}
