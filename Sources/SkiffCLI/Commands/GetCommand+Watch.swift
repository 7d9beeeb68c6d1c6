import Foundation
import SkiffAPI

/// The watch flags of `get`.
public struct GetWatchOptions: Sendable {
    /// `--watch-only`: print changes only, not the objects there at the start.
    public var watchOnly: Bool
    /// `--output-watch-events`: print the event type with each object.
    public var outputWatchEvents: Bool
    /// `--watch-timeout`: stop after this long (exit 0); nil watches until interrupted.
    public var timeout: Duration?
    /// Signals that end the watch with exit status 0 (the executable passes SIGINT and SIGTERM).
    public var stopSignals: [Int32]

    public init(watchOnly: Bool = false, outputWatchEvents: Bool = false, timeout: Duration? = nil, stopSignals: [Int32] = []) {
        self.watchOnly = watchOnly
        self.outputWatchEvents = outputWatchEvents
        self.timeout = timeout
        self.stopSignals = stopSignals
    }
}

extension GetCommand {
    /// `get -w`: checks the names and the server as a plain get would (failing at once as kubectl does), then
    /// prints the objects and their changes from `context.watchSource` until a stop signal, the timeout, or the
    /// end of the source.
    func runWatch(_ selections: [ResourceSelection], _ options: GetWatchOptions, context: CLIContext) async throws {
        guard selections.count == 1, let selection = selections.first else {
            throw CLIError(.usage, "watch is only supported on individual resources and resource collections, but \(selections.count) resource kinds were given")
        }
        guard let source = context.watchSource else { throw CLIError(.usage, "watching is not available with this client") }
        let startFilter = try WatchFilter(names: selection.names, selector: selector)
        let (_, failures) = try await fetch(selections, context: context)
        for failure in failures { CLI.report(failure, to: context.console) }
        if !failures.isEmpty { throw CLIError.reported }

        let startPrinter = WatchPrinter(
            type: selection.type, output: output, noHeaders: noHeaders, showLabels: showLabels, withNamespace: allNamespaces,
            outputWatchEvents: options.outputWatchEvents)
        let namespace = allNamespaces || !selection.resource.namespaced ? nil : context.namespace
        let signals = StopSignals(options.stopSignals)
        defer { signals.restore() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var (filter, printer) = (startFilter, startPrinter)
                try await source.watch(selection.type, namespace: namespace) { update in
                    switch update {
                    case .initial(let objects):
                        let shown = filter.initial(objects)
                        if !options.watchOnly { context.console.out(try printer.initial(shown, now: context.now())) }
                    case .change(let event):
                        if let event = filter.change(event) { context.console.out(try printer.event(event, now: context.now())) }
                    }
                }
            }
            if let timeout = options.timeout {
                group.addTask { try? await Task.sleep(for: timeout) }
            }
            if !options.stopSignals.isEmpty {
                group.addTask { await signals.wait() }
            }
            // Whichever ends first (the source, the timeout, a signal) ends the watch; a source's error is thrown.
            try await group.next()
            group.cancelAll()
        }
    }
}

/// What of a watch `get -w NAME -l SELECTOR` shows. As with a selector on a Kubernetes watch, an object whose
/// labels stop matching is shown as DELETED and one that starts matching as ADDED.
struct WatchFilter: Sendable {
    var names: Set<String>
    var selector: Selector?
    /// Keys (`namespace/name`) of the objects shown and not deleted since.
    private(set) var visible: Set<String> = []

    init(names: [String], selector: String?) throws(CLIError) {
        self.names = Set(names)
        if let selector, !selector.isEmpty {
            do { self.selector = try Selector(parsing: selector) } catch {
                throw CLIError(.usage, "unable to parse the label selector \(String(reflecting: selector)): \(error)")
            }
        }
    }

    func matches(_ object: any APIObject) -> Bool {
        (names.isEmpty || names.contains(object.name)) && (selector?.matches(object.labels) ?? true)
    }

    mutating func initial(_ objects: [FetchedObject]) -> [FetchedObject] {
        let shown = objects.filter { matches($0.object) }
        visible = Set(shown.map { Self.key($0.object) })
        return shown
    }

    /// The event to print, or nil.
    mutating func change(_ event: WatchEvent) -> WatchEvent? {
        let key = Self.key(event.object.object)
        let wasVisible = visible.contains(key)
        let isVisible = event.type != .deleted && matches(event.object.object)
        if isVisible { visible.insert(key) } else { visible.remove(key) }
        switch (wasVisible, isVisible) {
        case (false, false): return nil
        case (false, true): return WatchEvent(.added, event.object)
        case (true, true): return WatchEvent(.modified, event.object)
        case (true, false): return WatchEvent(.deleted, event.object)
        }
    }

    static func key(_ object: any APIObject) -> String { "\(object.namespace)/\(object.name)" }
}
