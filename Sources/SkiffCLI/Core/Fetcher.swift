import Foundation
import SkiffAPI
import SkiffMessaging

/// The reads commands share: one object by name, or a list; both keep the server's JSON next to the typed object.
struct Fetcher: Sendable {
    let client: any RequestSending

    func get(_ type: any APIObject.Type, namespace: String, name: String) async throws -> FetchedObject {
        let resource = type.resource
        let data = try await client.raw(Request(verb: .get, resource: resource.plural, namespace: resource.namespaced ? namespace : "", name: name))
        return try FetchedObject(type, data: data)
    }

    /// `namespace` nil (or a cluster-scoped kind) lists everything.
    func list(_ type: any APIObject.Type, namespace: String?, selector: String?) async throws -> [FetchedObject] {
        let resource = type.resource
        var params: [String: String] = [:]
        if let selector, !selector.isEmpty { params["labelSelector"] = selector }
        let data = try await client.raw(Request(
            verb: .list, resource: resource.plural, namespace: resource.namespaced ? namespace ?? "" : "", params: params))
        return try FetchedObject.items(type, listData: data)
    }

    /// The versions of one object from revision `since` on, with commit times; nil when it has none.
    func history<T: APIObject>(_ type: T.Type, namespace: String, name: String, since: Int64) async throws -> ObjectHistory<T>? {
        let resource = type.resource
        do {
            let data = try await client.raw(Request(
                verb: .get, resource: resource.plural, namespace: resource.namespaced ? namespace : "", name: name,
                params: ["history": "true", "since": String(since)]))
            return try JSONDecoder().decode(ObjectHistory<T>.self, from: data)
        } catch let error as APIError where error.isNotFound {
            return nil
        } catch let error as DecodingError {
            throw CLIError(.reply, "the history of \(resource.singular) \(String(reflecting: name)) does not decode: \(error)")
        }
    }

    func delete(_ type: any APIObject.Type, namespace: String, name: String, dryRun: Bool, gracePeriod: Int64? = nil) async throws(APIError) {
        let resource = type.resource
        var params = dryRun ? ["dryRun": "All"] : [:]
        if let gracePeriod { params["gracePeriodSeconds"] = String(gracePeriod) }
        _ = try await client.raw(Request(
            verb: .delete, resource: resource.plural, namespace: resource.namespaced ? namespace : "", name: name, params: params))
    }
}

/// kubectl's notice for an empty result, printed on stderr.
enum NoResources {
    static func message(namespace: String, allNamespaces: Bool, namespaced: Bool) -> String {
        allNamespaces || !namespaced ? "No resources found\n" : "No resources found in \(namespace) namespace.\n"
    }
}
