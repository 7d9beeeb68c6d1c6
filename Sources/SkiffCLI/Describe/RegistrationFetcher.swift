import Foundation
import SkiffAPI
import SkiffMessaging

/// Reads what a `RegistrationTimeline` is built from: the histories of a Service, its Endpoints, and the Leases of
/// the cluster DNS and of each Ready node's proxy, from the Service's revision on.
struct RegistrationFetcher {
    let fetcher: Fetcher

    func timeline(of service: Service) async throws -> RegistrationTimeline? {
        guard let revision = service.metadata.resourceVersion.flatMap({ Int64($0) }),
              let history = try await fetcher.history(Service.self, namespace: service.namespace, name: service.name, since: revision)
        else { return nil }
        let endpoints = try await fetcher.history(Endpoints.self, namespace: service.namespace, name: service.name, since: revision)
        let dns = try await lease("coredns-controller", since: revision)
        let nodes = try await fetcher.list(Node.self, namespace: nil, selector: nil).compactMap { $0.object as? Node }
            .filter(\.isReady).map(\.name).sorted()
        var proxies: [(node: String, lease: ObjectHistory<Lease>?)] = []
        for node in nodes { proxies.append((node, try await lease("kube-proxy-\(node)", since: revision))) }
        return RegistrationTimeline(service: history, endpoints: endpoints, dns: dns, proxies: proxies)
    }

    /// The Lease's versions since `revision`; when it has none, its current version (no time: it is behind).
    private func lease(_ name: String, since revision: Int64) async throws -> ObjectHistory<Lease>? {
        if let history = try await fetcher.history(Lease.self, namespace: "kube-system", name: name, since: revision) { return history }
        do {
            let fetched = try await fetcher.get(Lease.self, namespace: "kube-system", name: name)
            guard let lease = fetched.object as? Lease else { return nil }
            let revision = lease.metadata.resourceVersion.flatMap { Int64($0) } ?? 0
            return ObjectHistory(items: [ObjectVersion(revision: revision, type: "MODIFIED", committed: nil, object: lease)])
        } catch let error as APIError where error.isNotFound {
            return nil
        }
    }
}
