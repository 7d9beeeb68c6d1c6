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
