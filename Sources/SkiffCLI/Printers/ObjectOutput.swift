import Foundation
import SkiffAPI
import SkiffYAML

/// `-o` of get: a table (kubectl's default), wide, json, yaml, or name.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table = ""
    case wide, json, yaml, name

    public init(parsing text: String?) throws(CLIError) {
        guard let format = OutputFormat(rawValue: text ?? "") else {
            throw CLIError(.usage, "unable to match a printer suitable for the output format \(String(reflecting: text ?? "")), allowed formats are: json,name,wide,yaml")
        }
        self = format
    }
}

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

/// Renders fetched objects as -o json, yaml or name.
public enum ObjectOutput {
    /// kubectl's list wrapper for several objects: `{"apiVersion":"v1","items":[...],"kind":"List","metadata":{"resourceVersion":""}}`.
    public static func list(_ items: [OrderedJSON]) -> OrderedJSON {
        .object([
            ("apiVersion", .string("v1")), ("items", .array(items)), ("kind", .string("List")),
            ("metadata", .object([("resourceVersion", .string(""))])),
        ])
    }

    /// Pretty JSON (four spaces, as kubectl), with a final newline.
    public static func json(_ value: OrderedJSON) -> String { value.pretty + "\n" }

    /// Block YAML as kubectl prints it.
    public static func yaml(_ value: OrderedJSON) throws(CLIError) -> String {
        do {
            return try YAMLEmitter.yaml(fromJSON: Data(value.compact.utf8))
        } catch {
            throw CLIError(.reply, "cannot print the object as YAML: \(error)")
        }
    }

    /// `service/ent`.
    public static func name(_ object: any APIObject) -> String {
        "\(type(of: object).resource.qualifiedSingular)/\(object.name)"
    }
}
