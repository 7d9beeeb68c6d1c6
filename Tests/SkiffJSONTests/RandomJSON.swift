import SkiffAPI
import SkiffTesting

/// Random JSON trees for comparing the fast coders with Foundation's: strings from an alphabet of escapes, slashes
/// and multi-byte characters, integers (and now and then a fraction), nesting up to 6 levels.
enum RandomJSON {
    static func value(_ random: inout SeededGenerator, depth: Int) -> JSONValue {
        switch Int.random(in: 0..<(depth > 4 ? 4 : 7), using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2:
            return Int.random(in: 0..<20, using: &random) == 0
                ? .number(Double(Int.random(in: -1000...1000, using: &random)) / 8)
                : .number(Double(Int.random(in: -(1 << 40)...(1 << 40), using: &random)))
        case 3: return .string(string(&random))
        case 4, 5:
            var object: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0..<6, using: &random) { object[string(&random)] = value(&random, depth: depth + 1) }
            return .object(object)
        default:
            return .array((0..<Int.random(in: 0..<5, using: &random)).map { _ in value(&random, depth: depth + 1) })
        }
    }

    static func string(_ random: inout SeededGenerator) -> String {
        let alphabet: [Unicode.Scalar] = ["a", "b", "Z", "/", "\\", "\"", "\u{0}", "\u{8}", "\u{1F}", "\n", "\t", "é", "日", "🚀", "\u{7F}", " ", ".", "-"]
        var text = ""
        for _ in 0..<Int.random(in: 0..<8, using: &random) { text.unicodeScalars.append(alphabet.randomElement(using: &random)!) }
        return text
    }
}
