import ArgumentParser
import Foundation
import SkiffCLI

/// skiffctl: kubectl for Skiff. This file only declares flags; every command's logic is in SkiffCLI.
struct Skiffctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skiffctl",
        abstract: "Control a Skiff cluster, as kubectl controls Kubernetes.",
        discussion: """
            The apiserver address comes from --server, else $SKIFF_SERVER, else the config file (--config, else \
            $SKIFF_CONFIG, else ~/.skiff/config), else tcp://127.0.0.1:6443. `make up` starts a local cluster.
            """,
        version: CLI.version,
        subcommands: [Apply.self, Create.self, Get.self, Describe.self, Delete.self, Events.self, APIResources.self, Version.self])
}

/// The flags every command takes (kubectl's global flags).
struct GlobalOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The apiserver's request socket: tcp://HOST:PORT or ipc:///PATH.", valueName: "endpoint"))
    var server: String?

    @Option(help: "Bearer token for the apiserver (default: $SKIFF_TOKEN, then the config file).")
    var token: String?

    @Option(help: ArgumentHelp("The apiserver's CURVE public key, Z85 (default: $SKIFF_SERVER_KEY, then the config file).", valueName: "key"))
    var serverKey: String?

    @Option(help: ArgumentHelp("Config file with server:, token:, server-key: and namespace: lines.", valueName: "path"))
    var config: String?

    @Option(name: .customLong("request-timeout"), help: ArgumentHelp("How long to wait for each reply: 10s, 1m, 500ms; 0 waits forever.", valueName: "duration"))
    var requestTimeout: String?

    @Option(name: [.short, .long], help: "The namespace (default: the config file's, else default).")
    var namespace: String?

    var settings: GlobalSettings {
        GlobalSettings(server: server, token: token, configPath: config, requestTimeout: requestTimeout, namespace: namespace, serverKey: serverKey)
    }
}

/// The -f flags of apply, create and delete.
struct FileOptions: ParsableArguments {
    @Option(name: [.customShort("f"), .customLong("filename")], help: ArgumentHelp("A manifest file, a directory of them, or - for standard input (repeatable).", valueName: "file"))
    var filenames: [String] = []

    @Flag(name: [.customShort("R"), .long], help: "Read the directories given with -f recursively.")
    var recursive = false

    var files: [String] { filenames.flatMap { $0.split(separator: ",").map(String.init) } }
}

/// Runs a SkiffCLI command and exits with its status.
func execute(_ global: GlobalOptions, _ makeCommand: () throws -> any CLICommand) async throws {
    let status = await CLI.run(settings: global.settings, makeCommand)
    if status != 0 { throw ExitCode(status) }
}

extension Skiffctl {
    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create or update every object in the files, atomically.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var files: FileOptions
        @Option(name: .customLong("dry-run"), help: "none, client or server.") var dryRun = "none"
        @Option(help: "Unknown fields and invalid values: strict (errors), warn, or ignore.") var validate = "strict"
        @Option(help: "status: write only the status of existing objects.") var subresource: String?
        @Flag(help: "Return once the applied Services answer in DNS and are programmed on every Ready node's proxy.") var wait = false
        @Option(help: "How long --wait waits (e.g. 30s, 2m).") var timeout = "30s"

        func run() async throws {
            try await execute(global) {
                let limit = try DurationText.parse(timeout)
                return ApplyCommand(
                    manifests: ManifestOptions(files: files.files, recursive: files.recursive, validate: try ValidateMode(parsing: validate)),
                    dryRun: try DryRun(parsing: dryRun), subresource: subresource, waitTimeout: wait ? limit : nil)
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create the objects in the files; fails if any exists.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var files: FileOptions
        @Option(name: .customLong("dry-run"), help: "none, client or server.") var dryRun = "none"
        @Option(help: "Unknown fields and invalid values: strict (errors), warn, or ignore.") var validate = "strict"

        func run() async throws {
            try await execute(global) {
                CreateCommand(
                    manifests: ManifestOptions(files: files.files, recursive: files.recursive, validate: try ValidateMode(parsing: validate)),
                    dryRun: try DryRun(parsing: dryRun))
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Display one or many resources.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("KIND[,KIND...] [NAME...] or KIND/NAME...; KIND is svc, po, ep, endpointslices, ns, no, all.", valueName: "resource"))
        var arguments: [String] = []
        @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "List across all namespaces.") var allNamespaces = false
        @Option(name: [.customShort("l"), .long], help: "Label selector, e.g. app=ent,tier!=db.") var selector: String?
        @Option(name: [.short, .long], help: "wide, json, yaml or name.") var output: String?
        @Flag(name: .customLong("no-headers"), help: "Leave out the header row.") var noHeaders = false
        @Flag(name: .customLong("show-labels"), help: "Add a LABELS column.") var showLabels = false
        @Flag(name: .customLong("ignore-not-found"), help: "Do not fail for names that do not exist.") var ignoreNotFound = false
        @Flag(name: [.customShort("w"), .long], help: "After the objects, print every change until interrupted.") var watch = false
        @Flag(name: .customLong("watch-only"), help: "Print changes only, not the objects there at the start.") var watchOnly = false
        @Flag(name: .customLong("output-watch-events"), help: "With -w: the event type (ADDED, MODIFIED, DELETED) with each object.") var outputWatchEvents = false
        @Option(name: .customLong("watch-timeout"), help: ArgumentHelp("With -w: stop after this long (exit 0), e.g. 30s.", valueName: "duration")) var watchTimeout: String?

        func run() async throws {
            try await execute(global) {
                let watching = watch || watchOnly
                let timeout = try watchTimeout.map { text throws(CLIError) in try DurationText.parse(text) }
                return GetCommand(
                    arguments: arguments, allNamespaces: allNamespaces, selector: selector, output: try OutputFormat(parsing: output),
                    noHeaders: noHeaders, showLabels: showLabels, ignoreNotFound: ignoreNotFound,
                    watch: watching ? GetWatchOptions(
                        watchOnly: watchOnly, outputWatchEvents: outputWatchEvents, timeout: timeout, stopSignals: [SIGINT, SIGTERM]) : nil)
            }
        }
    }

    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show every detail of objects.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("KIND [NAME...] or KIND/NAME...; a NAME also matches names starting with it.", valueName: "resource"))
        var arguments: [String] = []
        @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "Describe across all namespaces.") var allNamespaces = false
        @Option(name: [.customShort("l"), .long], help: "Label selector.") var selector: String?

        func run() async throws {
            try await execute(global) { DescribeCommand(arguments: arguments, allNamespaces: allNamespaces, selector: selector) }
        }
    }

    struct Events: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the registration steps of the Services (persisted, endpoints, DNS, proxies).")
        @OptionGroup var global: GlobalOptions
        @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "Every namespace.") var allNamespaces = false

        func run() async throws {
            try await execute(global) { EventsCommand(allNamespaces: allNamespaces) }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete objects by name, selector, or the files that define them.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var files: FileOptions
        @Argument(help: ArgumentHelp("KIND NAME... or KIND/NAME...", valueName: "resource")) var arguments: [String] = []
        @Option(name: [.customShort("l"), .long], help: "Label selector.") var selector: String?
        @Flag(help: "Delete every object of the kinds in the namespace.") var all = false
        @Flag(name: .customLong("ignore-not-found"), help: "Do not fail for objects that do not exist.") var ignoreNotFound = false
        @Option(name: .customLong("dry-run"), help: "none, client or server.") var dryRun = "none"
        @Option(name: .customLong("grace-period"), help: "Seconds a Pod gets to stop (its terminationGracePeriodSeconds otherwise).") var gracePeriod: Int64?
        @Flag(help: "Remove Pods at once, without waiting for their kubelet (grace period 0).") var force = false

        func run() async throws {
            try await execute(global) {
                if let gracePeriod, gracePeriod < 0 { throw CLIError(.usage, "--grace-period must not be negative") }
                return DeleteCommand(
                    arguments: arguments, manifests: ManifestOptions(files: files.files, recursive: files.recursive),
                    selector: selector, all: all, ignoreNotFound: ignoreNotFound, dryRun: try DryRun(parsing: dryRun),
                    gracePeriod: force ? 0 : gracePeriod)
            }
        }
    }

    struct APIResources: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "api-resources", abstract: "List the resource kinds the apiserver serves.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only namespaced (true) or cluster-scoped (false) kinds.") var namespaced: Bool?
        @Option(name: [.short, .long], help: "wide or name.") var output: String?
        @Flag(name: .customLong("no-headers"), help: "Leave out the header row.") var noHeaders = false

        func run() async throws {
            try await execute(global) {
                APIResourcesCommand(namespaced: namespaced, output: try OutputFormat(parsing: output), noHeaders: noHeaders)
            }
        }
    }

    struct Version: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the client and server versions.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Only the client version; do not contact the apiserver.") var client = false

        func run() async throws {
            try await execute(global) { VersionCommand(clientOnly: client) }
        }
    }
}

/// Runs the async `run()` (on an existential, Swift would pick ParsableCommand's synchronous one, which prints help).
func runAsync<Command: AsyncParsableCommand>(_ command: Command) async throws {
    var command = command
    try await command.run()
}

// AsyncParsableCommand.main, with kubectl-style global flags before the subcommand moved behind it.
do {
    var command = try await Skiffctl.asyncParseAsRoot(GlobalArguments.normalize(Array(CommandLine.arguments.dropFirst())))
    if let asyncCommand = command as? any AsyncParsableCommand {
        try await runAsync(asyncCommand)
    } else {
        try command.run()
    }
} catch {
    // Help and --version exit 0; every failure, a bad flag included, exits 1 as kubectl does (not 64).
    guard Skiffctl.exitCode(for: error) != .success else { Skiffctl.exit(withError: error) }
    let message = Skiffctl.fullMessage(for: error)
    if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
    exit(1)
}
