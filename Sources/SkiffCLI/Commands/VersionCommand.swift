import Foundation

/// `skiffctl version [--client]`: skiffctl's version, and the apiserver's (which fails when it is unreachable,
/// after the client version is printed, as kubectl does).
public struct VersionCommand: CLICommand {
    public var clientOnly: Bool

    public init(clientOnly: Bool = false) { self.clientOnly = clientOnly }

    public func run(_ context: CLIContext) async throws {
        context.console.out("Client Version: \(CLI.version)\n")
        guard !clientOnly else { return }
        let discovery = try await APIResourcesCommand.discover(context)
        context.console.out("Server Version: \(discovery.version ?? "unknown (the apiserver does not report one)")\n")
        context.console.out("Server Address: \(context.client.server) (revision \(discovery.revision))\n")
    }
}
