import Foundation
import SkiffAPI
import SkiffJSON

/// The body of an `apply`: one object or a v1 List of them; and the `ApplyResult` reply.
enum ApplyBody {
    static func decode(_ body: Data) throws(Status) -> [any APIObject] {
        let document: FastJSONDocument
        do { document = try FastJSONDocument([UInt8](body)) } catch {
            // Foundation's parser says where the JSON is broken.
            do { _ = try JSONSerialization.jsonObject(with: body) } catch { throw .badRequest("the request body is not JSON: \(error)") }
            throw .badRequest("the request body is not JSON")
        }
        guard document.isObject else { throw .badRequest("the request body must be a JSON object") }
        if document.member("kind")?.string == "List" {
            guard let items = document.member("items")?.elements else { throw .badRequest("a List needs items") }
            var objects: [any APIObject] = []
            objects.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                do {
                    objects.append(try decodeObject(Data(item.text)))
                } catch {
                    throw error.prefixed(item: index)
                }
            }
            return objects
        }
        return [try decodeObject(body)]
    }

    private static func decodeObject(_ data: Data) throws(Status) -> any APIObject {
        let header: ObjectHeader
        do { header = try FastJSONDecoder.decode(ObjectHeader.self, from: data) } catch { throw .badRequest("not an object: \(error)") }
        let kind = header.kind ?? "", apiVersion = header.apiVersion ?? ""
        guard let type = Resources.type(apiVersion: apiVersion, kind: kind) else {
            throw .badRequest("kind \"\(kind)\" in apiVersion \"\(apiVersion)\" is not served; served kinds: \(Resources.servedKinds)")
        }
        return try ObjectCodec.decode(type, from: data)
    }

    static func encode(_ outcomes: [ApplyOutcome]) -> Data {
        var body = Data(#"{"apiVersion":"v1","kind":"ApplyResult","items":["#.utf8)
        for (index, outcome) in outcomes.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: Array(#"{"action":"\#(outcome.action.rawValue)","object":"#.utf8))
            body.append(outcome.object)
            body.append(UInt8(ascii: "}"))
        }
        body.append(contentsOf: Array("]}".utf8))
        return body
    }
}
