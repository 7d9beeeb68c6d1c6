import Foundation
import SkiffMessaging

/// Everything a command needs besides its own options: the apiserver, where to print, the namespace, the clock.
/// Tests build one with a fake client, a `BufferConsole` and a fixed clock.
public struct CLIContext: Sendable {
    public var client: any RequestSending
    public var console: any Console
    /// The namespace for namespaced objects: -n, else the config file's, else "default".
    public var namespace: String
    /// Whether -n was given: then a manifest naming another namespace is an error, as in kubectl.
    public var namespaceExplicit: Bool
    /// Ages ("5m") are measured from this.
    public var now: @Sendable () -> Date
    /// Times in describe output are printed in this zone (kubectl prints local time).
    public var timeZone: TimeZone
    /// What `-f -` reads.
    public var readStandardInput: @Sendable () throws -> Data

    public init(client: any RequestSending, console: any Console, namespace: String = "default", namespaceExplicit: Bool = false,
                now: @escaping @Sendable () -> Date = { Date() }, timeZone: TimeZone = .current,
                readStandardInput: @escaping @Sendable () throws -> Data = { FileHandle.standardInput.readDataToEndOfFile() }) {
        self.client = client
        self.console = console
        self.namespace = namespace
        self.namespaceExplicit = namespaceExplicit
        self.now = now
        self.timeZone = timeZone
        self.readStandardInput = readStandardInput
    }
}

/// One skiffctl command's logic. The executable parses flags into the command's options and calls `CLI.run`.
public protocol CLICommand: Sendable {
    func run(_ context: CLIContext) async throws
}

/// The global flags, as given (nil when absent).
public struct GlobalSettings: Sendable, Equatable {
    public var server: String?
    public var token: String?
    public var configPath: String?
    /// kubectl's --request-timeout: "10s", "1m30s", "500ms", a number of seconds; "0" waits forever.
    public var requestTimeout: String?
    public var namespace: String?

    public init(server: String? = nil, token: String? = nil, configPath: String? = nil, requestTimeout: String? = nil, namespace: String? = nil) {
        self.server = server
        self.token = token
        self.configPath = configPath
        self.requestTimeout = requestTimeout
        self.namespace = namespace
    }
}

public enum CLI {
    /// skiffctl's own version.
    public static let version = "v0.1.0"

    /// Resolves the configuration, runs `command`, prints any error kubectl's way, and returns the exit status
    /// (0 or 1).
    public static func run(_ command: some CLICommand, settings: GlobalSettings, console: any Console = StandardConsole()) async -> Int32 {
        await run(settings: settings, console: console) { command }
    }

    /// As `run(_:settings:console:)`, with the command built from its flags first; a bad flag value (`-o table`)
    /// is reported like any other error.
    public static func run(settings: GlobalSettings, console: any Console = StandardConsole(),
                           _ makeCommand: () throws -> any CLICommand) async -> Int32 {
        do {
            let command = try makeCommand()
            let context = try makeContext(settings, console: console)
            try await command.run(context)
            return 0
        } catch {
            report(error, to: console)
            return 1
        }
    }

    /// The context for the real apiserver, from flags, environment and config file.
    public static func makeContext(_ settings: GlobalSettings, console: any Console,
                                   environment: [String: String] = ProcessInfo.processInfo.environment) throws -> CLIContext {
        let timeout = try settings.requestTimeout.map { text throws(CLIError) in try DurationText.parse(text) }
        let config = try APIClientConfig.resolve(
            server: settings.server, token: settings.token, configPath: settings.configPath, timeout: timeout, environment: environment)
        let explicit = !(settings.namespace ?? "").isEmpty
        return CLIContext(
            client: try APIClient(config: config), console: console,
            namespace: explicit ? settings.namespace! : (config.namespace ?? "default"), namespaceExplicit: explicit)
    }

    /// Prints an error as kubectl does: server errors as they come (`Error from server (NotFound): ...`),
    /// everything else after `error: `. `CLIError.reported` prints nothing.
    public static func report(_ error: any Error, to console: any Console) {
        console.err(message(for: error).map { $0 + "\n" } ?? "")
    }

    /// The text `report` prints, nil when there is nothing to add.
    public static func message(for error: any Error) -> String? {
        switch error {
        case let error as CLIError:
            return error.code == .reported || error.message.isEmpty ? nil : "error: " + error.message
        case let error as APIError:
            return error.isServerError ? error.description : "error: " + error.description
        default:
            return "error: \(error)"
        }
    }
}
