import Foundation
import SkiffMessaging

/// What the commands need from the apiserver: send one request, get the reply's body or an `APIError`.
/// `APIClient` is the real one; tests pass a fake that records requests and answers from a table.
public protocol RequestSending: Sendable {
    /// The server address, for messages.
    var server: String { get }
    func raw(_ request: Request) async throws(APIError) -> Data
}

extension APIClient: RequestSending {
    public var server: String { config.server }
}
