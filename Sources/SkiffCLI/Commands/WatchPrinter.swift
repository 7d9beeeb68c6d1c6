import Foundation
import SkiffAPI

/// One change of a watched kind, as `get -w` prints it. Raw values are kubectl's watch event types.
public struct WatchEvent: Sendable {
    public enum EventType: String, Sendable {
        case added = "ADDED"
        case modified = "MODIFIED"
        case deleted = "DELETED"
    }

    public var type: EventType
    /// The object as it is now; for a deletion, the last state known.
    public var object: FetchedObject

    public init(_ type: EventType, _ object: FetchedObject) {
        self.type = type
        self.object = object
    }
}

/// Prints what `get -w` sees, as kubectl does: the objects at the start (one table, headers once), then one
/// row (or JSON document, or name) per change. Tables keep the column widths printed so far and widen them
/// when a later row needs it (kubectl's tabwriter with RememberWidths); headers come with the first row.
public struct WatchPrinter: Sendable {
    public var type: any APIObject.Type
    public var output: OutputFormat
    public var noHeaders: Bool
    public var showLabels: Bool
    /// `-A`: a NAMESPACE column.
    public var withNamespace: Bool
    /// `--output-watch-events`: an EVENT column in tables; `{"type":...,"object":...}` in JSON and YAML.
    public var outputWatchEvents: Bool

    private var headersPrinted = false
    private var widths: [Int] = []
    private var documents = 0

    public init(type: any APIObject.Type, output: OutputFormat, noHeaders: Bool = false, showLabels: Bool = false,
                withNamespace: Bool = false, outputWatchEvents: Bool = false) {
        self.type = type
        self.output = output
        self.noHeaders = noHeaders
        self.showLabels = showLabels
        self.withNamespace = withNamespace
        self.outputWatchEvents = outputWatchEvents
    }

    /// The objects present when the watch started (kubectl prints them as ADDED events when asked for events).
    public mutating func initial(_ objects: [FetchedObject], now: Date) throws(CLIError) -> String {
        try print(objects.map { WatchEvent(.added, $0) }, now: now)
    }

    /// One change.
    public mutating func event(_ event: WatchEvent, now: Date) throws(CLIError) -> String {
        try print([event], now: now)
    }

    private mutating func print(_ events: [WatchEvent], now: Date) throws(CLIError) -> String {
        guard !events.isEmpty else { return "" }
        switch output {
        case .name:
            return events.map { ObjectOutput.name($0.object.object) + "\n" }.joined()
        case .json, .yaml:
            var text = ""
            for event in events {
                var value = event.object.json.sortedKeys
                if outputWatchEvents { value = .object([("type", .string(event.type.rawValue)), ("object", value)]) }
                if output == .json {
                    text += ObjectOutput.json(value)
                } else {
                    // kubectl's YAML printer separates documents after the first.
                    text += (documents > 0 ? "---\n" : "") + (try ObjectOutput.yaml(value))
                }
                documents += 1
            }
            return text
        case .table, .wide:
            let options = TableOptions(wide: output == .wide, withNamespace: withNamespace, showLabels: showLabels, now: now)
            var table = TablePrinter.table(events.map(\.object.object), of: type, options: options)
            if outputWatchEvents {
                table.columns.insert("EVENT", at: 0)
                for index in table.rows.indices { table.rows[index].insert(events[index].type.rawValue, at: 0) }
            }
            let withHeaders = !noHeaders && !headersPrinted
            headersPrinted = headersPrinted || withHeaders
            return align((withHeaders ? [table.columns] : []) + table.rows)
        }
    }

    /// Pads every cell but the last of each line to its column's width: the widest cell plus 3, at least 6
    /// (kubectl's tabwriter settings), and never narrower than the column was printed before.
    private mutating func align(_ lines: [[String]]) -> String {
        let columns = lines.map(\.count).max() ?? 0
        for column in 0..<max(columns - 1, 0) {
            var width = TabWriter.table.minWidth
            for line in lines where column < line.count - 1 {
                width = max(width, TabWriter.width(line[column]) + TabWriter.table.padding)
            }
            if column < widths.count { widths[column] = max(widths[column], width) } else { widths.append(width) }
        }
        var text = ""
        for line in lines {
            for (column, cell) in line.enumerated() {
                text += cell
                if column < line.count - 1 { text += String(repeating: " ", count: max(0, widths[column] - TabWriter.width(cell))) }
            }
            text += "\n"
        }
        return text
    }
}
