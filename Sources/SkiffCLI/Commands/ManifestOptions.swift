import Foundation

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
