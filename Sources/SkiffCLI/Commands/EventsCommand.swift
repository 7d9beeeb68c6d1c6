import Foundation
import SkiffAPI
import SkiffMessaging

/// `skiffctl events [-n NS | -A]`: the registration steps of every Service, cluster-wide with -A, oldest first
/// (kubectl events' columns), each with how long it took: the request received, authorized, its ClusterIP
/// allocated and admitted, then when each was persisted, its Endpoints written, its name served by the cluster DNS
/// and its ClusterIP programmed on each Ready node. Steps still pending are listed last.
public struct EventsCommand: CLICommand {
    public var allNamespaces: Bool

    public init(allNamespaces: Bool = false) { self.allNamespaces = allNamespaces }

    public func run(_ context: CLIContext) async throws {
        let fetcher = Fetcher(client: context.client)
        let services = try await fetcher.list(Service.self, namespace: allNamespaces ? nil : context.namespace, selector: nil)
            .compactMap { $0.object as? Service }
        var events: [(at: Date?, row: [String])] = []
        for service in services {
            guard let timeline = try await RegistrationFetcher(fetcher: fetcher).timeline(of: service) else { continue }
            for step in timeline.steps {
                let seen = step.at.map { Age.format(context.now().timeIntervalSince($0)) } ?? "-"
                let row = [seen, step.done ? "Normal" : "Waiting", Self.reason(step.name), "service/\(service.name)",
                           "\(step.detail) (\(timeline.offset(step))" + (step.took == nil ? ")" : ", took \(timeline.took(step)))")]
                events.append((step.done ? step.at ?? .distantPast : nil, allNamespaces ? [service.namespace] + row : row))
            }
        }
        guard !events.isEmpty else {
            context.console.err(NoResources.message(namespace: context.namespace, allNamespaces: allNamespaces, namespaced: true))
            return
        }
        // Oldest first, pending last (kubectl events sorts by time).
        events.sort { ($0.at ?? .distantFuture) < ($1.at ?? .distantFuture) }
        let columns = (allNamespaces ? ["NAMESPACE"] : []) + ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
        context.console.out(Table(columns: columns, rows: events.map(\.row)).render())
    }

    /// Kubernetes-style event reasons for the timeline's steps.
    static func reason(_ step: String) -> String {
        switch step {
        case "received": "Received"
        case "authorized": "Authorized"
        case "allocated": "ClusterIPAllocated"
        case "admitted": "Admitted"
        case "persisted": "Persisted"
        case "endpoints": "EndpointsWritten"
        case "dns": "DNSServed"
        default: step.hasPrefix("proxy ") ? "ProxyProgrammed" : step
        }
    }
}
