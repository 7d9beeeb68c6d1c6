import Foundation
import SkiffAPI
import SkiffMessaging
import SkiffYAML

/// kubectl's --validate: unknown fields are errors (strict, the default), warnings, or ignored. Skiff also runs
/// Kubernetes' field validation locally unless it is `ignore`, so errors come with a line and column.
public enum ValidateMode: String, Sendable, CaseIterable {
    case strict, warn, ignore

    /// Also kubectl's old spellings: true (strict) and false (ignore).
    public init(parsing text: String) throws(CLIError) {
        switch text.lowercased() {
        case "strict", "true": self = .strict
        case "warn": self = .warn
        case "ignore", "false": self = .ignore
        default: throw CLIError(.usage, "invalid --validate \(String(reflecting: text)): must be one of strict (or true), warn, ignore (or false)")
        }
    }
}

/// kubectl's --dry-run.
public enum DryRun: String, Sendable, CaseIterable {
    case none, client, server

    public init(parsing text: String) throws(CLIError) {
        guard let value = DryRun(rawValue: text.lowercased()) else {
            throw CLIError(.usage, "invalid --dry-run \(String(reflecting: text)): must be none, client or server")
        }
        self = value
    }

    /// What kubectl appends to each line of output.
    public var suffix: String {
        switch self {
        case .none: ""
        case .client: " (dry run)"
        case .server: " (server dry run)"
        }
    }
}

/// The -f flags shared by apply, create and delete.
public struct ManifestOptions: Sendable {
    public var files: [String]
    public var recursive: Bool
    public var validate: ValidateMode

    public init(files: [String], recursive: Bool = false, validate: ValidateMode = .strict) {
        self.files = files
        self.recursive = recursive
        self.validate = validate
    }
}

/// Reads and checks manifests. Every problem in every file is printed (`file: document N, line L, column C:
/// path: message`) before failing, so nothing is sent from a set of files with an error in it.
enum ManifestInput {
    /// `checkFields` false skips local validation and accepts unknown fields (delete needs only kinds and names,
    /// a status update only the status).
    static func load(_ options: ManifestOptions, verb: String, context: CLIContext, checkFields: Bool = true) throws -> [ManifestObject] {
        guard !options.files.isEmpty else { throw CLIError(.usage, "must specify -f FILE (a file, a directory, or - for standard input)") }
        let sources: [ManifestSource]
        do {
            sources = try ManifestSources.load(options.files, recursive: options.recursive, stdin: context.readStandardInput)
        } catch {
            throw CLIError(.manifest, "\(error)")
        }
        var loader = ManifestLoader()
        switch (checkFields, options.validate) {
        case (false, _), (_, .ignore): loader.unknownFields = .ignore
        case (true, .warn): loader.unknownFields = .warn
        case (true, .strict): loader.unknownFields = .error
        }
        loader.validate = checkFields && options.validate != .ignore
        loader.defaultNamespace = context.namespace
        loader.namespaceExplicit = context.namespaceExplicit
        do {
            let loaded = try loader.load(sources)
            for warning in loaded.warnings { context.console.err("Warning: \(warning)\n") }
            guard !loaded.objects.isEmpty else { throw CLIError(.manifest, "no objects passed to \(verb)") }
            return loaded.objects
        } catch let errors as ManifestErrors {
            for error in errors.errors { context.console.err("\(error)\n") }
            throw CLIError.reported
        }
    }
}

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
