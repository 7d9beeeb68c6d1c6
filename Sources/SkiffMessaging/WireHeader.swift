import Foundation
import SkiffJSON

/// The JSON header frame of a request (see `Wire`).
///
/// Encoding is hand-written: the header is a fixed, flat object of strings, and writing it directly is several
/// times faster than JSONEncoder on the client's hot path. Decoding uses FastJSONDecoder (JSONDecoder's results).
enum WireHeader {
    private struct Decoded: Decodable {
        var verb: String
        var resource: String?
        var namespace: String?
        var name: String?
        var token: String?
        var params: [String: String]?
    }


    static func encode(_ request: Request) -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(96 + request.resource.utf8.count + request.namespace.utf8.count + request.name.utf8.count)
        out += #"{"verb":"#.utf8
        appendString(request.verb.rawValue, to: &out)
        out += #","resource":"#.utf8
        appendString(request.resource, to: &out)
        out += #","namespace":"#.utf8
        appendString(request.namespace, to: &out)
        out += #","name":"#.utf8
        appendString(request.name, to: &out)
        out += #","token":"#.utf8
        if let token = request.token { appendString(token, to: &out) } else { out += "null".utf8 }
        out += #","params":{"#.utf8
        for (index, key) in request.params.keys.sorted().enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendString(request.params[key]!, to: &out)
        }
        out += "}}".utf8
        return Data(out)
    }

    static func decode(_ frame: Data) throws(MessagingError) -> Request {
        let header: Decoded
        do {
            header = try FastJSONDecoder.decode(Decoded.self, from: frame)
        } catch {
            throw .malformed("the request header is not the expected JSON object: \(error)")
        }
        guard let verb = Verb(rawValue: header.verb) else {
            throw .malformed("unknown verb \"\(header.verb)\"; verbs: \(Verb.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return Request(verb: verb, resource: header.resource ?? "", namespace: header.namespace ?? "",
                       name: header.name ?? "", token: header.token, params: header.params ?? [:])
    }

    /// Appends `string` as a JSON string literal (RFC 8259 escapes).
    static func appendString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += #"\""#.utf8
            case UInt8(ascii: "\\"): out += #"\\"#.utf8
            case 0x0A: out += #"\n"#.utf8
            case 0x0D: out += #"\r"#.utf8
            case 0x09: out += #"\t"#.utf8
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += #"\u00"#.utf8
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
