/// A failure of a command that is not an `APIError`: bad arguments, a file that cannot be read, or a failure
/// whose details were already printed (then `message` is empty and only the exit status is left to set).
public struct CLIError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// Arguments that make no sense together, an unknown resource type.
        case usage
        /// Manifests that cannot be read or loaded.
        case manifest
        /// A reply from the apiserver that cannot be used (not JSON, an unexpected shape).
        case reply
        /// A wait (`apply --wait`) ran out of time.
        case timeout
        /// Everything was reported on stderr already; just exit 1.
        case reported
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The details were printed; the command failed.
    public static let reported = CLIError(.reported, "")

    public var description: String { message }
}
