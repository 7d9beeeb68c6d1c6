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
        case is Lease.Type: ["NAME", "HOLDER", "AGE"]
        case is Role.Type, is ClusterRole.Type: ["NAME", "CREATED AT"]
        case is RoleBinding.Type, is ClusterRoleBinding.Type: ["NAME", "ROLE", "AGE"] + (wide ? ["USERS", "GROUPS", "SERVICEACCOUNTS"] : [])
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
        case let lease as Lease: return [lease.name, lease.spec?.holderIdentity ?? "", Age.since(lease.metadata.creationTimestamp, now: now)]
        case let role as Role: return [role.name, role.metadata.creationTimestamp?.rfc3339 ?? ""]
        case let role as ClusterRole: return [role.name, role.metadata.creationTimestamp?.rfc3339 ?? ""]
        case let binding as RoleBinding: return bindingRow(binding, binding.roleRef, binding.subjects ?? [], wide: wide, now: now)
        case let binding as ClusterRoleBinding: return bindingRow(binding, binding.roleRef, binding.subjects ?? [], wide: wide, now: now)
        default: return [object.name, Age.since(object.metadata.creationTimestamp, now: now)]
        }
    }

    /// kubectl's printRoleBinding: ROLE is `Kind/name`; -o wide lists the subjects by kind.
    private static func bindingRow(_ object: any APIObject, _ ref: RoleRef, _ subjects: [Subject], wide: Bool, now: Date) -> [String] {
        var row = [object.name, "\(ref.kind)/\(ref.name)", Age.since(object.metadata.creationTimestamp, now: now)]
        if wide {
            func names(_ kind: String) -> String {
                subjects.filter { $0.kind == kind }.map { kind == Subject.serviceAccount ? "\($0.namespace ?? "")/\($0.name)" : $0.name }
                    .joined(separator: ", ")
            }
            row += [names(Subject.user), names(Subject.group), names(Subject.serviceAccount)]
        }
        return row
    }
}
