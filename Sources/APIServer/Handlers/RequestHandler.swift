import Foundation
import Logging
import SkiffAPI
import SkiffJSON
import SkiffMessaging
import SkiffStore

/// Turns requests from the request socket into registry calls and their results into responses.
/// Every failure becomes a Kubernetes-shaped Status body; nothing thrown escapes.
///
/// With a `gate`, every request is authenticated and authorized before it is routed (401/403 otherwise); without
/// one (no --token-file), every request is system:admin. With an `audit` log, every request leaves a line there.
struct RequestHandler: Sendable {
    let registry: Registry
    let namespaces: NamespaceFinalizer
    let watchEndpoint: String
    let logger: Logger
    var gate: RequestGate? = nil
    var audit: AuditLog? = nil

    func handle(_ request: Request) async -> Response {
        let received = Date()
        var user: UserInfo? = .admin
        var response: Response
        var decision = "allow"
        if let gate {
            let checked = await gate.check(request)
            user = checked.user
            if let refusal = checked.refusal {
                decision = refusal.code == 401 || refusal.code == 403 ? "deny" : "allow"
                response = Response(code: refusal.code, body: ObjectCodec.encode(refusal))
                record(request, user: user, decision: decision, code: response.code)
                return response
            }
        }
        do {
            response = try await RequestClock(received: received, authorized: Date()).bind { () async throws(Status) in try await route(request) }
            if let gate, Self.changesPolicy(request) {
                // The commit observer updates the policy too, but only after this reply may have gone out: reload
                // now so the writer's next request is judged by what it just wrote.
                do { try await gate.policy.load(from: registry.store) } catch { logger.warning("reloading the RBAC policy failed: \(error)") }
            }
        } catch {
            if error.code >= 500 { logger.error("\(request.verb.rawValue) \(request.resource) \(request.namespace)/\(request.name): \(error.message ?? "")") }
            response = Response(code: error.code, body: ObjectCodec.encode(error))
        }
        record(request, user: user, decision: decision, code: response.code)
        return response
    }

    private func record(_ request: Request, user: UserInfo?, decision: String, code: Int) {
        guard let audit else { return }
        audit.record(AuditEvent(
            time: Date(), user: user?.name ?? "", groups: user?.groups ?? [], verb: request.verb.rawValue, resource: request.resource,
            namespace: request.namespace, name: request.name, decision: decision, code: code))
    }

    /// A write that may have changed a Role, ClusterRole or binding.
    static func changesPolicy(_ request: Request) -> Bool {
        switch request.verb {
        case .get, .list, .discover: return false
        case .apply: return request.body.range(of: Data(RBAC.group.utf8)) != nil
        default: return PolicyCache.resources.contains(request.resource) || PolicyCache.resources.contains(request.resource.split(separator: ".").first.map(String.init) ?? "")
        }
    }

    private func route(_ request: Request) async throws(Status) -> Response {
        if request.verb == .discover {
            let document = try await discovery()
            return Response(code: 200, body: ObjectCodec.encode(document))
        }
        guard let type = Resources.all.first(where: { $0.resource.plural == request.resource || $0.resource.description == request.resource }) else {
            if request.verb == .apply && request.resource.isEmpty { return try await apply(request) }
            throw Status(code: 404, reason: "NotFound", message: "the server could not find the requested resource \"\(request.resource)\"; served: \(Resources.all.map { $0.resource.plural }.joined(separator: ", "))")
        }
        return try await type.route(request, with: self)
    }

    /// Routes a request for one kind; generic so that everything below works on the concrete type.
    fileprivate func route<T: APIObject>(_ type: T.Type, _ request: Request) async throws(Status) -> Response {
        let dryRun = request.params["dryRun"] == "All"
        switch request.verb {
        case .get:
            try requireName(request)
            if request.params["history"] == "true" {
                let since = request.params["since"].flatMap { Int64($0) } ?? 0
                return Response(code: 200, body: try await registry.history(T.self, namespace: request.namespace, name: request.name, since: since))
            }
            return Response(code: 200, body: try await registry.get(T.self, namespace: request.namespace, name: request.name).value)
        case .list:
            let selector = try labelSelector(request)
            let namespace = request.namespace.isEmpty ? nil : request.namespace
            return Response(code: 200, body: try await registry.list(T.resource, namespace: namespace, selector: selector))
        case .create:
            let object = try decodeBody(T.self, request)
            let body = try await registry.create(object, namespace: try namespace(for: object, request), dryRun: dryRun)
            return Response(code: 201, body: body)
        case .update, .updateStatus:
            try requireName(request)
            let object = try decodeBody(T.self, request)
            if object.name != request.name {
                throw .badRequest("the name of the object (\(object.name)) does not match the name on the request (\(request.name))")
            }
            let mode: Registry.UpdateMode = request.verb == .update ? .replace : .status
            let body = try await registry.update(object, namespace: try namespace(for: object, request), name: request.name, mode: mode, dryRun: dryRun)
            return Response(code: 200, body: body)
        case .delete:
            try requireName(request)
            if T.resource == Namespace.resource {
                return Response(code: 200, body: try await namespaces.delete(name: request.name, dryRun: dryRun))
            }
            let body = try await registry.delete(
                T.self, namespace: request.namespace, name: request.name, precondition: request.params["resourceVersion"],
                gracePeriod: request.params["gracePeriodSeconds"].flatMap { Int64($0) }, dryRun: dryRun)
            return Response(code: 200, body: body)
        case .apply:
            return try await apply(request)
        case .discover:
            let document = try await discovery()
            return Response(code: 200, body: ObjectCodec.encode(document))
        }
    }

    private func labelSelector(_ request: Request) throws(Status) -> Selector? {
        guard let text = request.params["labelSelector"], !text.isEmpty else { return nil }
        do {
            return try Selector(parsing: text)
        } catch {
            throw .badRequest("labelSelector \"\(text)\": \(error)")
        }
    }

    private func apply(_ request: Request) async throws(Status) -> Response {
        let objects = try ApplyBody.decode(request.body)
        let outcomes = try await registry.apply(objects, defaultNamespace: request.namespace.isEmpty ? "default" : request.namespace, dryRun: request.params["dryRun"] == "All")
        return Response(code: 200, body: ApplyBody.encode(outcomes))
    }

    private func decodeBody<T: APIObject>(_ type: T.Type, _ request: Request) throws(Status) -> T {
        guard !request.body.isEmpty else { throw .badRequest("\(request.verb.rawValue) \(request.resource) needs the object as the request body") }
        let header: ObjectHeader
        do { header = try FastJSONDecoder.decode(ObjectHeader.self, from: request.body) } catch {
            throw .badRequest("the request body is not a JSON object: \(error)")
        }
        if let kind = header.kind, !kind.isEmpty, kind != T.resource.kind {
            throw .badRequest("the body is a \(kind) but the request is for \(T.resource)")
        }
        if let apiVersion = header.apiVersion, !apiVersion.isEmpty, apiVersion != T.resource.apiVersion {
            throw .badRequest("apiVersion \"\(apiVersion)\" is not served for \(T.resource.kind); use \(T.resource.apiVersion)")
        }
        return try ObjectCodec.decode(T.self, from: request.body)
    }

    /// The namespace of a request: the body's and the request's must agree, as Kubernetes requires.
    private func namespace<T: APIObject>(for object: T, _ request: Request) throws(Status) -> String {
        guard T.resource.namespaced else { return "" }
        let fromBody = object.metadata.namespace ?? ""
        if !fromBody.isEmpty, !request.namespace.isEmpty, fromBody != request.namespace {
            throw .badRequest("the namespace of the provided object (\(fromBody)) does not match the namespace sent on the request (\(request.namespace))")
        }
        let namespace = fromBody.isEmpty ? request.namespace : fromBody
        guard !namespace.isEmpty else { throw .badRequest("\(T.resource) are namespaced: the request needs a namespace") }
        return namespace
    }

    private func requireName(_ request: Request) throws(Status) {
        if request.name.isEmpty { throw .badRequest("\(request.verb.rawValue) \(request.resource) needs a name") }
    }

    private func discovery() async throws(Status) -> Discovery {
        let revision: Revision
        do { revision = try await registry.store.currentRevision } catch { throw .from(error, resource: Namespace.resource, name: "") }
        let resources = Resources.all.map {
            Discovery.Resource(name: $0.resource.plural, kind: $0.resource.kind, apiVersion: $0.resource.apiVersion,
                               namespaced: $0.resource.namespaced, shortNames: $0.resource.shortNames)
        }
        return Discovery(watchEndpoint: watchEndpoint, revision: String(revision), resources: resources, version: SkiffVersion.current)
    }
}

extension APIObject {
    /// Opens the kind of a request once: everything after this works on the concrete type.
    fileprivate static func route(_ request: Request, with handler: RequestHandler) async throws(Status) -> Response {
        try await handler.route(Self.self, request)
    }
}
