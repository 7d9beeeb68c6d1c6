import Foundation
import SkiffAPI
import SkiffJSON
import SkiffStore

/// JSON coding of API objects, the only serialization the apiserver uses (on the wire and in the store).
enum ObjectCodec {
    static func decode<T: APIObject>(_ type: T.Type, from data: Data) throws(Status) -> T {
        do {
            return try FastJSONDecoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw .badRequest("cannot decode \(T.resource.kind): \(describe(error))")
        } catch {
            throw .badRequest("cannot decode \(T.resource.kind): \(error)")
        }
    }

    /// Encodes an object as stored at `revision`: apiVersion, kind and resourceVersion set. Keys are sorted
    /// (`FastJSONEncoder` writes `JSONEncoder`'s `.sortedKeys` bytes), so stored bytes and every listing are the same
    /// from run to run.
    static func encode<T: APIObject>(_ object: T, revision: Revision) throws -> Data {
        var object = object
        object.setTypeMeta()
        object.metadata.resourceVersion = String(revision)
        return try FastJSONEncoder.encode(object)
    }

    static func encode<T: Encodable>(_ value: T) -> Data {
        (try? FastJSONEncoder.encode(value)) ?? Data("{}".utf8)
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }
                .joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case .typeMismatch(let type, let context): return "\(path(context)): expected \(type): \(context.debugDescription)"
        case .valueNotFound(_, let context): return "\(path(context)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "\(parent.isEmpty ? "" : parent + ".")\(key.stringValue): Required value"
        case .dataCorrupted(let context): return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

/// The header of any object: enough to route it and check its kind without decoding the rest.
struct ObjectHeader: Decodable {
    var apiVersion: String?
    var kind: String?
    var metadata: Metadata?

    struct Metadata: Decodable {
        var name: String?
        var namespace: String?
        var labels: [String: String]?
        var resourceVersion: String?
    }
}
