/// The Kubelet module's one error type.
public struct KubeletError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        case invalidFlag
        /// The pod CIDR has no free address left.
        case addressesExhausted
        /// A container could not be started (bad command, port in use).
        case startFailed
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
