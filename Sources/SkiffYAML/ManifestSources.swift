import Foundation

/// A manifest's text and where it came from.
public struct ManifestSource: Sendable, Equatable {
    /// The path as the user wrote it (joined with the file name for directory entries), or
    /// `<stdin>`.
    public var name: String
    public var text: String

    public init(name: String, text: String) {
        self.name = name
        self.text = text
    }
}

/// Expands `-f` arguments the way kubectl does.
public enum ManifestSources {
    /// Extensions (without the dot, case-sensitive as in kubectl) read from directories.
    /// Files named explicitly are read whatever their extension.
    public static let extensions: Set<String> = ["yaml", "yml", "json"]

    /// A file; a directory -> every *.yaml, *.yml, *.json directly inside it, sorted by name
    /// (recursive only when `recursive`, subdirectories visited at their sorted position and
    /// symlinked directories not followed, as kubectl's walk does); "-" -> standard input,
    /// read once (a repeated "-" adds nothing). Errors are `YAMLError`s with codes
    /// `.notFound`, `.unreadable`, `.notUTF8` and `.noManifests`.
    public static func load(
        _ paths: [String], recursive: Bool = false,
        stdin: () throws -> Data = { FileHandle.standardInput.readDataToEndOfFile() }
    ) throws -> [ManifestSource] {
        var sources: [ManifestSource] = []
        var readStdin = false
        for path in paths {
            if path == "-" {
                guard !readStdin else { continue }
                readStdin = true
                let data: Data
                do {
                    data = try stdin()
                } catch {
                    throw YAMLError(.unreadable, "cannot read standard input: \(error.localizedDescription)")
                }
                sources.append(ManifestSource(name: "<stdin>", text: try text(data, name: "<stdin>")))
                continue
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw YAMLError(.notFound, "the path \(String(reflecting: path)) does not exist")
            }
            guard isDirectory.boolValue else {
                sources.append(try read(path))
                continue
            }
            let files = try manifestFiles(in: path, recursive: recursive)
            guard !files.isEmpty else {
                let what = recursive ? "directory tree" : "directory"
                throw YAMLError(
                    .noManifests, "no manifest files (*.yaml, *.yml, *.json) in \(what) \(String(reflecting: path))")
            }
            for file in files { sources.append(try read(file)) }
        }
        return sources
    }

    /// Manifest paths under `directory`, in byte order of their names like Go's filepath.Walk.
    private static func manifestFiles(in directory: String, recursive: Bool) throws -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw YAMLError(.unreadable, "cannot list directory \(String(reflecting: directory)): \(error.localizedDescription)")
        }
        var files: [String] = []
        for name in names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                let isLink = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil
                if recursive && !isLink { files += try manifestFiles(in: path, recursive: true) }
            } else if let dot = name.lastIndex(of: "."), extensions.contains(String(name[name.index(after: dot)...])) {
                files.append(path)
            }
        }
        return files
    }

    private static func read(_ path: String) throws -> ManifestSource {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw YAMLError(.unreadable, "cannot read \(String(reflecting: path)): \(error.localizedDescription)")
        }
        return ManifestSource(name: path, text: try text(data, name: path))
    }

    /// UTF-8 text, or an error naming the offset of the first invalid byte.
    private static func text(_ data: Data, name: String) throws -> String {
        if let text = String(data: data, encoding: .utf8) { return text }
        var iterator = data.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var offset = 0
        while case .valid(let scalar) = parser.parseScalar(from: &iterator) { offset += scalar.count }
        throw YAMLError(.notUTF8, "\(String(reflecting: name)) is not valid UTF-8 (invalid byte at offset \(offset))")
    }
}
