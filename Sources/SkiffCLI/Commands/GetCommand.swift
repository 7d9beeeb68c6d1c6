import Foundation
import SkiffAPI
import SkiffMessaging

/// `skiffctl get KIND[,KIND] [NAME...] [-n NS | -A] [-l SELECTOR] [-o wide|json|yaml|name] [--no-headers] [--show-labels]`,
/// and with `-w`/`--watch-only` one KIND's changes as they happen.
public struct GetCommand: CLICommand {
    public var arguments: [String]
    public var allNamespaces = false
    public var selector: String?
    public var output: OutputFormat = .table
    public var noHeaders = false
    public var showLabels = false
    public var ignoreNotFound = false
    /// `-w`, `--watch-only`: keep printing changes (GetCommand+Watch.swift).
    public var watch: GetWatchOptions?

    public init(arguments: [String], allNamespaces: Bool = false, selector: String? = nil, output: OutputFormat = .table,
                noHeaders: Bool = false, showLabels: Bool = false, ignoreNotFound: Bool = false, watch: GetWatchOptions? = nil) {
        self.arguments = arguments
        self.allNamespaces = allNamespaces
        self.selector = selector
        self.output = output
        self.noHeaders = noHeaders
        self.showLabels = showLabels
        self.ignoreNotFound = ignoreNotFound
        self.watch = watch
    }

    /// The objects of one kind, as fetched.
    public struct Group: Sendable {
        public var selection: ResourceSelection
        public var objects: [FetchedObject]
    }

    public func run(_ context: CLIContext) async throws {
        let selections = try ResourceArguments.parse(arguments, verb: "get")
        let named = selections.contains { !$0.names.isEmpty }
        if named && !(selector ?? "").isEmpty { throw CLIError(.usage, "name cannot be provided when a selector is specified") }
        if named && allNamespaces { throw CLIError(.usage, "a resource cannot be retrieved by name across all namespaces") }
        if let watch { return try await runWatch(selections, watch, context: context) }

        let (groups, failures) = try await fetch(selections, context: context)
        context.console.out(try render(groups, context: context))
        if !named, output != .json, output != .yaml, groups.allSatisfy({ $0.objects.isEmpty }) {
            context.console.err(NoResources.message(
                namespace: context.namespace, allNamespaces: allNamespaces,
                namespaced: selections.allSatisfy { $0.resource.namespaced }))
        }
        for failure in failures { CLI.report(failure, to: context.console) }
        if !failures.isEmpty { throw CLIError.reported }
    }

    /// Gets the named objects (NotFound is collected, so the others still print) or lists each kind.
    /// A later `get -w` starts its watch from here.
    func fetch(_ selections: [ResourceSelection], context: CLIContext) async throws -> (groups: [Group], failures: [APIError]) {
        let fetcher = Fetcher(client: context.client)
        var groups: [Group] = []
        var failures: [APIError] = []
        for selection in selections {
            var objects: [FetchedObject] = []
            if selection.names.isEmpty {
                objects = try await fetcher.list(selection.type, namespace: allNamespaces ? nil : context.namespace, selector: selector)
            }
            for name in selection.names {
                do {
                    objects.append(try await fetcher.get(selection.type, namespace: context.namespace, name: name))
                } catch let error as APIError where error.isNotFound {
                    if !ignoreNotFound { failures.append(error) }
                }
            }
            groups.append(Group(selection: selection, objects: objects))
        }
        return (groups, failures)
    }

    /// The text for stdout, in the chosen format.
    public func render(_ groups: [Group], context: CLIContext) throws(CLIError) -> String {
        let all = groups.flatMap(\.objects)
        switch output {
        case .json, .yaml:
            // kubectl prints the object itself when exactly one was asked for by name, else a List.
            let single = groups.count == 1 && groups[0].selection.names.count == 1
            if single && all.isEmpty { return "" }
            let value = (single ? all[0].json : ObjectOutput.list(all.map(\.json))).sortedKeys
            return output == .json ? ObjectOutput.json(value) : try ObjectOutput.yaml(value)
        case .name:
            return all.map { ObjectOutput.name($0.object) + "\n" }.joined()
        case .table, .wide:
            let options = TableOptions(
                wide: output == .wide, withNamespace: allNamespaces, showLabels: showLabels, withKind: groups.count > 1,
                now: context.now())
            return groups.filter { !$0.objects.isEmpty }.map { group in
                TablePrinter.table(group.objects.map(\.object), of: group.selection.type, options: options).render(headers: !noHeaders)
            }.joined(separator: "\n")
        }
    }
}
