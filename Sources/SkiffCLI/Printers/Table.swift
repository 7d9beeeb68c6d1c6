import Foundation
import SkiffAPI

/// A table as `skiffctl get` prints it: kubectl's column names, one row per object.
public struct Table: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[String]]

    public init(columns: [String], rows: [[String]]) {
        self.columns = columns
        self.rows = rows
    }

    /// Aligned as kubectl aligns tables (Go tabwriter: minimum width 6, padding 3).
    public func render(headers: Bool = true) -> String {
        let lines = (headers ? [columns] : []) + rows
        guard !lines.isEmpty else { return "" }
        return TabWriter.table.format(lines.map { $0.joined(separator: "\t") }.joined(separator: "\n") + "\n")
    }
}

/// The table flags of `get`.
public struct TableOptions: Sendable {
    /// `-o wide`: the extra columns.
    public var wide: Bool
    /// `-A`: a NAMESPACE column first (for namespaced kinds).
    public var withNamespace: Bool
    /// `--show-labels`: a LABELS column last.
    public var showLabels: Bool
    /// Names as `service/ent`, as kubectl shows them when several kinds are listed.
    public var withKind: Bool
    /// Ages are measured from this.
    public var now: Date

    public init(wide: Bool = false, withNamespace: Bool = false, showLabels: Bool = false, withKind: Bool = false, now: Date) {
        self.wide = wide
        self.withNamespace = withNamespace
        self.showLabels = showLabels
        self.withKind = withKind
        self.now = now
    }
}

/// Builds `get` tables for every kind Skiff serves, with the columns of kubectl's printers
/// (pkg/printers/internalversion/printers.go).
public enum TablePrinter {
    public static func table(_ objects: [any APIObject], of type: any APIObject.Type, options: TableOptions) -> Table {
        let resource = type.resource
        var columns = columns(of: type, wide: options.wide)
        var rows = objects.map { row(for: $0, options: options) }
        if options.withKind {
            for index in rows.indices { rows[index][0] = "\(resource.qualifiedSingular)/\(rows[index][0])" }
        }
        if options.withNamespace && resource.namespaced {
            columns.insert("NAMESPACE", at: 0)
            for (index, object) in objects.enumerated() { rows[index].insert(object.namespace, at: 0) }
        }
        if options.showLabels {
            columns.append("LABELS")
            for (index, object) in objects.enumerated() { rows[index].append(Text.labels(object.metadata.labels)) }
        }
        return Table(columns: columns, rows: rows)
    }

    static func columns(of type: any APIObject.Type, wide: Bool) -> [String] {
        switch type {
        case is Service.Type: ServiceTable.columns(wide: wide)
        case is Pod.Type: PodTable.columns(wide: wide)
        case is Endpoints.Type: EndpointsTable.columns
        case is EndpointSlice.Type: EndpointSliceTable.columns
        case is Namespace.Type: NamespaceTable.columns
        case is Node.Type: NodeTable.columns(wide: wide)
        default: ["NAME", "AGE"]
        }
    }

    static func row(for object: any APIObject, options: TableOptions) -> [String] {
        let (wide, now) = (options.wide, options.now)
        switch object {
        case let service as Service: return ServiceTable.row(service, wide: wide, now: now)
        case let pod as Pod: return PodTable.row(pod, wide: wide, now: now)
        case let endpoints as Endpoints: return EndpointsTable.row(endpoints, now: now)
        case let slice as EndpointSlice: return EndpointSliceTable.row(slice, now: now)
        case let namespace as Namespace: return NamespaceTable.row(namespace, now: now)
        case let node as Node: return NodeTable.row(node, wide: wide, now: now)
        default: return [object.name, Age.since(object.metadata.creationTimestamp, now: now)]
        }
    }
}
