import Foundation
import SkiffAPI
import SkiffMessaging

/// `skiffctl api-resources [--namespaced=true|false] [-o name|wide] [--no-headers]`: what the apiserver serves,
/// from its discovery reply, as kubectl's NAME SHORTNAMES APIVERSION NAMESPACED KIND table.
public struct APIResourcesCommand: CLICommand {
    public var namespaced: Bool?
    public var output: OutputFormat
    public var noHeaders: Bool

    public init(namespaced: Bool? = nil, output: OutputFormat = .table, noHeaders: Bool = false) {
        self.namespaced = namespaced
        self.output = output
        self.noHeaders = noHeaders
    }

    public func run(_ context: CLIContext) async throws {
        guard [.table, .wide, .name].contains(output) else {
            throw CLIError(.usage, "--output \(String(reflecting: output.rawValue)) is not available for api-resources; use name or wide")
        }
        let discovery = try await Self.discover(context)
        context.console.out(Self.render(discovery, namespaced: namespaced, output: output, noHeaders: noHeaders))
    }

    static func discover(_ context: CLIContext) async throws -> Discovery {
        let data = try await context.client.raw(Request(verb: .discover, resource: ""))
        do {
            return try JSONDecoder().decode(Discovery.self, from: data)
        } catch {
            throw CLIError(.reply, "cannot decode the apiserver's discovery reply: \(error)")
        }
    }

    /// Sorted by API group, then name, as kubectl sorts them.
    public static func render(_ discovery: Discovery, namespaced: Bool? = nil, output: OutputFormat = .table, noHeaders: Bool = false) -> String {
        func group(_ resource: Discovery.Resource) -> String {
            resource.apiVersion.contains("/") ? String(resource.apiVersion.split(separator: "/")[0]) : ""
        }
        let resources = discovery.resources
            .filter { namespaced == nil || $0.namespaced == namespaced }
            .sorted { (group($0), $0.name) < (group($1), $1.name) }
        if output == .name {
            return resources.map { group($0).isEmpty ? "\($0.name)\n" : "\($0.name).\(group($0))\n" }.joined()
        }
        let table = Table(
            columns: ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"],
            rows: resources.map { [$0.name, ($0.shortNames ?? []).joined(separator: ","), $0.apiVersion, String($0.namespaced), $0.kind] })
        return table.render(headers: !noHeaders)
    }
}
