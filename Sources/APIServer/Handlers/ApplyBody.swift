import Foundation
import SkiffAPI

/// The body of an `apply`: one object or a v1 List of them; and the `ApplyResult` reply.
enum ApplyBody {
    static func decode(_ body: Data) throws(Status) -> [any APIObject] {
        let top: Any
        do { top = try JSONSerialization.jsonObject(with: body) } catch { throw .badRequest("the request body is not JSON: \(error)") }
        guard let dictionary = top as? [String: Any] else { throw .badRequest("the request body must be a JSON object") }
        if dictionary["kind"] as? String == "List" {
            guard let items = dictionary["items"] as? [Any] else { throw .badRequest("a List needs items") }
            var objects: [any APIObject] = []
            for (index, item) in items.enumerated() {
                do {
                    objects.append(try decodeObject(JSONSerialization.data(withJSONObject: item)))
                } catch let status as Status {
                    throw status.prefixed(item: index)
                } catch {
                    throw Status.badRequest("items[\(index)]: \(error)")
                }
            }
            return objects
        }
        return [try decodeObject(body)]
    }

    private static func decodeObject(_ data: Data) throws(Status) -> any APIObject {
        let header: ObjectHeader
        do { header = try JSONDecoder().decode(ObjectHeader.self, from: data) } catch { throw .badRequest("not an object: \(error)") }
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
