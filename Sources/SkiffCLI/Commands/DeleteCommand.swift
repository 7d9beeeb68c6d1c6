import Foundation
import SkiffAPI
import SkiffMessaging

/// `skiffctl delete KIND NAME... | KIND/NAME... | KIND -l SELECTOR | KIND --all | -f FILE [--ignore-not-found]
/// [--dry-run=none|client|server] [--grace-period N] [--force]`. Prints `service "ent" deleted` per object, as
/// kubectl. A Pod on a node terminates gracefully (its kubelet stops it, then it is gone); `--grace-period`
/// overrides its terminationGracePeriodSeconds and `--force` (grace 0) removes it at once.
public struct DeleteCommand: CLICommand {
    public var arguments: [String]
    public var manifests: ManifestOptions
    public var selector: String?
    public var all: Bool
    public var ignoreNotFound: Bool
    public var dryRun: DryRun
    public var gracePeriod: Int64?

    public init(arguments: [String], manifests: ManifestOptions = ManifestOptions(files: []), selector: String? = nil,
                all: Bool = false, ignoreNotFound: Bool = false, dryRun: DryRun = .none, gracePeriod: Int64? = nil) {
        self.arguments = arguments
        self.manifests = manifests
        self.selector = selector
        self.all = all
        self.ignoreNotFound = ignoreNotFound
        self.dryRun = dryRun
        self.gracePeriod = gracePeriod
    }

    /// One object to delete, and the file it came from (for messages).
    struct Target {
        var type: any APIObject.Type
        var namespace: String
        var name: String
        var source: String?
    }

    public func run(_ context: CLIContext) async throws {
        let targets = try await resolve(context)
        let fetcher = Fetcher(client: context.client)
        var failed = false
        for target in targets {
            let label = "\(target.type.resource.qualifiedSingular) \(String(reflecting: target.name))"
            do {
                if dryRun != .client {
                    try await fetcher.delete(target.type, namespace: target.namespace, name: target.name, dryRun: dryRun == .server,
                                             gracePeriod: gracePeriod)
                }
                context.console.out("\(label) deleted\(dryRun.suffix)\n")
            } catch {
                // Transport failures end the command; the server's refusals are reported per object.
                guard error.isServerError else { throw error }
                if error.isNotFound && ignoreNotFound { continue }
                failed = true
                if let source = target.source, let reason = error.reason {
                    context.console.err("Error from server (\(reason)): error when deleting \(String(reflecting: source)): \(error.message)\n")
                } else {
                    CLI.report(error, to: context.console)
                }
            }
        }
        if failed { throw CLIError.reported }
    }

    /// The objects named by -f, by name, or by -l / --all (listed first).
    private func resolve(_ context: CLIContext) async throws -> [Target] {
        if !manifests.files.isEmpty {
            guard arguments.isEmpty else {
                throw CLIError(.usage, "resource names may not be given together with -f; the files name the objects")
            }
            let targets = try ManifestInput.load(manifests, verb: "delete", context: context, checkFields: false).map { manifest in
                Target(type: type(of: manifest.object), namespace: manifest.object.namespace, name: manifest.object.name, source: manifest.source)
            }
            // Namespaces last: deleting one first would delete its objects behind our back, and their own deletes
            // would then fail with NotFound.
            return targets.filter { $0.type != Namespace.self } + targets.filter { $0.type == Namespace.self }
        }
        let selections = try ResourceArguments.parse(arguments, verb: "delete")
        let named = selections.contains { !$0.names.isEmpty }
        let bySelector = !(selector ?? "").isEmpty
        if named && (bySelector || all) { throw CLIError(.usage, "names cannot be provided when a selector or --all is specified") }
        if !named && !bySelector && !all {
            throw CLIError(.usage, "resource(s) were provided, but no name was specified (give names, -l SELECTOR or --all)")
        }
        var targets: [Target] = []
        for selection in selections {
            if named {
                targets += selection.names.map { Target(type: selection.type, namespace: context.namespace, name: $0) }
                continue
            }
            let listed = try await Fetcher(client: context.client).list(selection.type, namespace: context.namespace, selector: selector)
            targets += listed.map { Target(type: selection.type, namespace: $0.object.namespace, name: $0.object.name) }
        }
        if targets.isEmpty {
            context.console.err(NoResources.message(
                namespace: context.namespace, allNamespaces: false, namespaced: selections.allSatisfy { $0.resource.namespaced }))
        }
        return targets
    }
}
