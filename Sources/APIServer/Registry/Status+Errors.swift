import SkiffAPI
import SkiffStore

/// Constructors for the Status errors the apiserver returns, with Kubernetes' reasons and wording.
extension Status {
    static func badRequest(_ message: String) -> Status { Status(code: 400, reason: "BadRequest", message: message) }

    static func notFound(_ resource: ResourceInfo, _ name: String) -> Status {
        Status(code: 404, reason: "NotFound", message: "\(resource) \"\(name)\" not found",
               details: StatusDetails(name: name, group: resource.group, kind: resource.plural))
    }

    static func alreadyExists(_ resource: ResourceInfo, _ name: String) -> Status {
        Status(code: 409, reason: "AlreadyExists", message: "\(resource) \"\(name)\" already exists",
               details: StatusDetails(name: name, group: resource.group, kind: resource.plural))
    }

    static func conflict(_ resource: ResourceInfo, _ name: String, _ why: String) -> Status {
        Status(code: 409, reason: "Conflict",
               message: "Operation cannot be fulfilled on \(resource) \"\(name)\": \(why)",
               details: StatusDetails(name: name, group: resource.group, kind: resource.plural))
    }

    static func forbidden(_ message: String) -> Status { Status(code: 403, reason: "Forbidden", message: message) }

    static func invalid(_ resource: ResourceInfo, _ name: String, _ errors: [FieldError]) -> Status {
        let causes = errors.map { StatusCause(reason: $0.kind.rawValue, message: $0.description, field: $0.field) }
        let summary = errors.map(\.description).joined(separator: ", ")
        return Status(code: 422, reason: "Invalid", message: "\(resource.kind) \"\(name)\" is invalid: \(summary)",
                      details: StatusDetails(name: name, group: resource.group, kind: resource.kind, causes: causes))
    }

    static func internalError(_ message: String) -> Status { Status(code: 500, reason: "InternalError", message: message) }

    static func unavailable(_ message: String) -> Status { Status(code: 503, reason: "ServiceUnavailable", message: message) }

    /// Maps a store failure to the status a client can act on.
    static func from(_ error: any Error, resource: ResourceInfo, name: String) -> Status {
        if let status = error as? Status { return status }
        if let store = error as? StoreError {
            switch store.code {
            case .notFound: return .notFound(resource, name)
            case .alreadyExists: return .alreadyExists(resource, name)
            case .conflict: return .conflict(resource, name, "the object has been modified; please apply your changes to the latest version and try again")
            case .closed: return .unavailable("the apiserver is shutting down")
            case .compacted, .io: return .internalError("store: \(store.message)")
            }
        }
        return .internalError(String(describing: error))
    }

    /// Prefixes every cause's field (and the message) with an item path, for errors inside an applied List.
    func prefixed(item index: Int) -> Status {
        var status = self
        status.message = "items[\(index)]: " + (message ?? "")
        if var details = status.details {
            details.causes = details.causes?.map { cause in
                var cause = cause
                cause.field = "items[\(index)]." + (cause.field ?? "")
                return cause
            }
            status.details = details
        }
        return status
    }
}
