/// A Kubernetes-shaped `Status` body, returned with every error so a person can act on it.
public struct Status: Codable, Sendable, Equatable, Error {
    public var apiVersion: String? = "v1"
    public var kind: String? = "Status"
    /// "Success" or "Failure".
    public var status: String?
    public var message: String?
    /// NotFound, AlreadyExists, Conflict, Invalid, BadRequest, Unauthorized, Forbidden, InternalError, ...
    public var reason: String?
    public var details: StatusDetails?
    public var code: Int

    public init(code: Int, reason: String, message: String, details: StatusDetails? = nil) {
        self.status = code < 300 ? "Success" : "Failure"
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
    }
}

public struct StatusDetails: Codable, Sendable, Equatable {
    public var name: String?
    public var group: String?
    public var kind: String?
    public var uid: String?
    public var causes: [StatusCause]?

    public init(name: String? = nil, group: String? = nil, kind: String? = nil, causes: [StatusCause]? = nil) {
        self.name = name
        self.group = group
        self.kind = kind
        self.causes = causes
    }
}

/// One reason a request failed, with the field it concerns ("spec.ports[0].port").
public struct StatusCause: Codable, Sendable, Equatable {
    /// FieldValueInvalid, FieldValueRequired, FieldValueDuplicate, FieldValueNotSupported, ...
    public var reason: String?
    public var message: String?
    public var field: String?

    public init(reason: String? = nil, message: String? = nil, field: String? = nil) {
        self.reason = reason
        self.message = message
        self.field = field
    }
}
