import Foundation
import SkiffAPI
import SkiffMessaging

/// Maps an apiserver error about an applied List back to the manifests: causes on `items[i].field` (or on `field`
/// when one object was sent) become `file: document N, line L, column C: field: message`, and a message starting
/// `items[i]: ` is placed at that object. Returns nil for errors that concern no particular object.
public enum ServerErrorLocator {
    public static func locate(_ error: APIError, in objects: [ManifestObject]) -> [ManifestError]? {
        guard (400..<500).contains(error.code), error.reason != "Unauthorized", error.reason != "Forbidden" else { return nil }
        var located: [ManifestError] = []
        for cause in error.causes {
            let field = cause.field ?? ""
            var index: Int? = objects.count == 1 ? 0 : nil
            var path = field
            if let (item, rest) = itemPrefix(field, separator: ".") ?? itemPrefix(field, separator: "") {
                index = item
                path = rest
            }
            guard let index, objects.indices.contains(index) else { return nil }
            var message = cause.message ?? cause.reason ?? ""
            for prefix in [field, path] where !prefix.isEmpty && message.hasPrefix(prefix + ": ") {
                message = String(message.dropFirst(prefix.count + 2))
            }
            located.append(objects[index].error(field: path.isEmpty ? nil : path, message: message))
        }
        if !located.isEmpty { return located }
        if let (item, rest) = itemPrefix(error.message, separator: ": "), objects.indices.contains(item) {
            return [objects[item].error(field: nil, message: rest)]
        }
        if objects.count == 1, !error.message.isEmpty { return [objects[0].error(field: nil, message: error.message)] }
        return nil
    }

    /// `items[3]` followed by `separator` -> (3, the rest). An empty separator matches only the whole text.
    static func itemPrefix(_ text: String, separator: String) -> (Int, String)? {
        guard text.hasPrefix("items["), let close = text.firstIndex(of: "]"),
              let index = Int(text[text.index(text.startIndex, offsetBy: 6)..<close]) else { return nil }
        let rest = text[text.index(after: close)...]
        if separator.isEmpty { return rest.isEmpty ? (index, "") : nil }
        guard rest.hasPrefix(separator) else { return nil }
        return (index, String(rest.dropFirst(separator.count)))
    }
}
