import SkiffAPI

/// One kind a command works on, with the names asked for (none: all of them).
public struct ResourceSelection: Sendable {
    public var type: any APIObject.Type
    public var names: [String]

    public init(type: any APIObject.Type, names: [String] = []) {
        self.type = type
        self.names = names
    }

    public var resource: ResourceInfo { type.resource }
}

/// kubectl's resource arguments: `svc`, `svc,po`, `svc ent web`, `svc/ent po/ent-1`, and `all` (pods and services).
public enum ResourceArguments {
    /// What `all` stands for, in kubectl's order.
    public static let all: [any APIObject.Type] = [Pod.self, Service.self]

    public static func parse(_ arguments: [String], verb: String) throws(CLIError) -> [ResourceSelection] {
        guard let first = arguments.first else {
            throw CLIError(.usage, "you must specify the type of resource to \(verb), e.g. svc, po, ep, endpointslices, ns, no (skiffctl api-resources lists them)")
        }
        if first.contains("/") {
            var selections: [ResourceSelection] = []
            for argument in arguments {
                let parts = argument.split(separator: "/", maxSplits: 1).map(String.init)
                guard parts.count == 2, !parts[1].isEmpty else {
                    throw CLIError(.usage, "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'skiffctl \(verb) resource/<resource_name>' instead of 'skiffctl \(verb) resource resource/<resource_name>'")
                }
                let type = try self.type(named: parts[0])
                if let index = selections.firstIndex(where: { $0.resource == type.resource }) {
                    selections[index].names.append(parts[1])
                } else {
                    selections.append(ResourceSelection(type: type, names: [parts[1]]))
                }
            }
            return selections
        }
        let names = Array(arguments.dropFirst())
        if let slashed = names.first(where: { $0.contains("/") }) {
            throw CLIError(.usage, "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (got \(String(reflecting: slashed)))")
        }
        var selections: [ResourceSelection] = []
        for type in try types(first) where !selections.contains(where: { $0.resource == type.resource }) {
            selections.append(ResourceSelection(type: type, names: names))
        }
        return selections
    }

    /// `svc,po` or `all`.
    public static func types(_ list: String) throws(CLIError) -> [any APIObject.Type] {
        var types: [any APIObject.Type] = []
        for name in list.split(separator: ",", omittingEmptySubsequences: true).map(String.init) {
            types += name.lowercased() == "all" ? all : [try type(named: name)]
        }
        guard !types.isEmpty else { throw CLIError(.usage, "the server doesn't have a resource type \(String(reflecting: list))") }
        return types
    }

    public static func type(named name: String) throws(CLIError) -> any APIObject.Type {
        guard let type = Resources.type(named: name) else {
            throw CLIError(.usage, "the server doesn't have a resource type \(String(reflecting: name))")
        }
        return type
    }
}

extension ResourceInfo {
    /// How kubectl names the kind in `service/ent` and `service "ent" deleted`: the lower-case kind, with the
    /// group for grouped kinds (`endpointslice.discovery.k8s.io`).
    public var qualifiedSingular: String { group.isEmpty ? singular : "\(singular).\(group)" }
}
