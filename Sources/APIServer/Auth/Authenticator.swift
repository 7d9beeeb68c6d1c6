/// Turns a request's bearer token into a user (Kubernetes' token-file authenticator plus the anonymous one).
///
/// `.everyoneIsAdmin` is the mode without `--token-file`: every request is `system:admin` in `system:masters`,
/// exactly what the apiserver did before authentication existed, so a cluster started without tokens keeps working.
public enum Authenticator: Sendable {
    case everyoneIsAdmin
    case tokens(TokenFile, anonymous: Bool)

    /// The user, or nil (a 401). As in Kubernetes, a request without a token is `system:anonymous` when anonymous
    /// requests are on, but a token that is not in the file is refused either way (it is a forged or revoked one,
    /// not an anonymous caller). Authenticated users are also in `system:authenticated`.
    public func authenticate(_ token: String?) -> UserInfo? {
        switch self {
        case .everyoneIsAdmin:
            return .admin
        case .tokens(let file, let anonymous):
            guard let token, !token.isEmpty else { return anonymous ? .anonymous : nil }
            guard var user = file.users[token] else { return nil }
            if !user.groups.contains(UserInfo.authenticated) { user.groups.append(UserInfo.authenticated) }
            return user
        }
    }

    public var isEnabled: Bool {
        if case .everyoneIsAdmin = self { return false }
        return true
    }
}
