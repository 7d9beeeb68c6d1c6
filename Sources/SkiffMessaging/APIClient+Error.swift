import Foundation
import SkiffAPI
import SkiffJSON

/// Why an `APIClient` call failed: the apiserver's `Status` (with its HTTP-like code), or a failure on this side
/// of the wire (code 0: transport, configuration, a reply that does not decode).
///
/// `description` is the text kubectl prints for the same error (`Error from server (NotFound): services "x" not
/// found`, `The Service "x" is invalid: ...`), so every component logs errors in the form operators know.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The reply's code (400, 404, 409, 422, ...), or 0 when no reply was received or it could not be used.
    public var code: Int
    /// The apiserver's Status body, when it sent one.
    public var status: Status?
    public var message: String
    /// For code 0 after a transport failure: what failed (unreachable means the request was never sent).
    public var transport: MessagingError.Code?

    public init(code: Int, status: Status? = nil, message: String, transport: MessagingError.Code? = nil) {
        self.code = code
        self.status = status
        self.message = message
        self.transport = transport
    }

    /// The error for a failed reply: its Status body if it has one, else the body's text.
    public init(response: Response) {
        if let status = try? FastJSONDecoder.decode(Status.self, from: response.body), status.kind == "Status" || status.reason != nil {
            self.init(code: response.code, status: status, message: status.message ?? "")
            return
        }
        let text = String(decoding: response.body.prefix(512), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        self.init(code: response.code, message: text.isEmpty ? "the server replied with code \(response.code) and no explanation" : text)
    }

    /// The error for a request that got no reply, worded for the person who has to fix it.
    public init(transport error: MessagingError, endpoint: String) {
        let text: String
        switch error.code {
        case .unreachable:
            text = "the apiserver at \(endpoint) is unreachable (\(error.message)). Start a local cluster with `make up`, "
                + "or point --server, SKIFF_SERVER or the config file (~/.skiff/config) at a running apiserver"
        case .timeout:
            text = "the apiserver at \(endpoint) did not answer in time (\(error.message))"
        case .zmq:
            text = "cannot connect to \(String(reflecting: endpoint)): \(error.message) (a server address is tcp://HOST:PORT or ipc:///PATH)"
        case .malformed, .closed, .cancelled:
            text = "request to the apiserver at \(endpoint) failed: \(error.message)"
        }
        self.init(code: 0, message: text, transport: error.code)
    }

    /// Kubernetes' reason (`NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, ...), when the server gave one.
    public var reason: String? { status?.reason }
    public var causes: [StatusCause] { status?.details?.causes ?? [] }

    public var isNotFound: Bool { code == 404 }
    public var isAlreadyExists: Bool { code == 409 && reason == "AlreadyExists" }
    /// A stale resourceVersion precondition or a lost race: re-read and retry.
    public var isConflict: Bool { code == 409 && reason != "AlreadyExists" }
    public var isInvalid: Bool { code == 422 }
    /// No reply (or no usable one) was received.
    public var isTransport: Bool { code == 0 }
    /// The request was never sent: nothing listens at the server address.
    public var isUnreachable: Bool { transport == .unreachable }

    /// kubectl's wording (its `StandardErrorMessage` and the Invalid special case). Errors kubectl prefixes with
    /// `error: ` (transport, client-side, Unauthorized) are returned without that prefix; see `isServerError`.
    public var description: String {
        guard code != 0 else { return message }
        if reason == "Unauthorized" { return "You must be logged in to the server (\(message))" }
        if isInvalid, let details = status?.details, !causes.isEmpty {
            let subject = (details.kind ?? "").isEmpty && (details.name ?? "").isEmpty
                ? "The request is invalid"
                : "The \(details.kind ?? "") \(String(reflecting: details.name ?? "")) is invalid"
            let lines = causes.map(Self.causeText)
            return lines.count == 1 ? "\(subject): \(lines[0])" : "\(subject): \n" + lines.map { "* " + $0 }.joined(separator: "\n")
        }
        if let reason, !reason.isEmpty { return "Error from server (\(reason)): \(message)" }
        return "Error from server: \(message)"
    }

    /// Whether `description` is a message from the server (printed as is) rather than one kubectl prefixes
    /// with `error: `.
    public var isServerError: Bool { code != 0 && reason != "Unauthorized" }

    /// `field: message` for a cause, without repeating the field when the message already starts with it
    /// (Skiff's causes carry the whole `field: Invalid value: ...` text; Kubernetes' carry only the part after).
    public static func causeText(_ cause: StatusCause) -> String {
        let message = cause.message ?? cause.reason ?? ""
        guard let field = cause.field, !field.isEmpty else { return message }
        return message.hasPrefix(field + ": ") ? message : "\(field): \(message)"
    }
}
