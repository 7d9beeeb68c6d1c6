import Foundation
import SkiffAPI

/// An object as the server sent it (key order kept, for -o json/yaml) and decoded (for tables and describe).
public struct FetchedObject: Sendable {
    public var json: OrderedJSON
    public var object: any APIObject

    public init(json: OrderedJSON, object: any APIObject) {
        self.json = json
        self.object = object
    }

    /// One object from a reply body.
    public init(_ type: any APIObject.Type, data: Data) throws(CLIError) {
        let json = try OrderedJSON(parsing: data)
        self.init(json: json, object: try Self.decode(type, json))
    }

    /// The items of a `list` reply.
    public static func items(_ type: any APIObject.Type, listData: Data) throws(CLIError) -> [FetchedObject] {
        guard case .array(let items)? = try OrderedJSON(parsing: listData)["items"] else { return [] }
        var objects: [FetchedObject] = []
        for item in items { objects.append(FetchedObject(json: item, object: try decode(type, item))) }
        return objects
    }

    static func decode(_ type: any APIObject.Type, _ json: OrderedJSON) throws(CLIError) -> any APIObject {
        do {
            return try decodeTyped(type, Data(json.compact.utf8))
        } catch {
            throw CLIError(.reply, "cannot decode the apiserver's \(type.resource.kind): \(error)")
        }
    }

    private static func decodeTyped<T: APIObject>(_ type: T.Type, _ data: Data) throws -> any APIObject {
        try JSONDecoder().decode(T.self, from: data)
    }
}
