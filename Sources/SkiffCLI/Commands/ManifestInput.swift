import Foundation
import SkiffAPI
import SkiffMessaging
import SkiffYAML

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
