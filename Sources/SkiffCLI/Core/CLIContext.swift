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
    /// What `get -w` watches through (an informer on the apiserver); nil when watching is not possible.
    public var watchSource: (any WatchSource)?

    public init(client: any RequestSending, console: any Console, namespace: String = "default", namespaceExplicit: Bool = false,
                now: @escaping @Sendable () -> Date = { Date() }, timeZone: TimeZone = .current,
                readStandardInput: @escaping @Sendable () throws -> Data = { FileHandle.standardInput.readDataToEndOfFile() },
                watchSource: (any WatchSource)? = nil) {
        self.client = client
        self.console = console
        self.namespace = namespace
        self.namespaceExplicit = namespaceExplicit
        self.now = now
        self.timeZone = timeZone
        self.readStandardInput = readStandardInput
        self.watchSource = watchSource
    }
}

/// One skiffctl command's logic. The executable parses flags into the command's options and calls `CLI.run`.
public protocol CLICommand: Sendable {
    func run(_ context: CLIContext) async throws
}
