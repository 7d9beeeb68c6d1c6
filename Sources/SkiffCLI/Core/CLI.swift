import Foundation
import SkiffAPI
import SkiffMessaging

/// The entry points the executable calls: build the context from the global flags, run a command, report errors.
public enum CLI {
    /// skiffctl's own version.
    public static let version = SkiffVersion.current

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
            server: settings.server, token: settings.token, configPath: settings.configPath, timeout: timeout, serverKey: settings.serverKey,
            environment: environment)
        let explicit = !(settings.namespace ?? "").isEmpty
        return CLIContext(
            client: try APIClient(config: config), console: console,
            namespace: explicit ? settings.namespace! : (config.namespace ?? "default"), namespaceExplicit: explicit,
            watchSource: InformerWatchSource(config: config))
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
