import Foundation

/// When the apiserver handled the request behind one write, on the wall clock (the clock of commit times). Kept
/// in the history row of the version the write produced, so a registration timeline can show how long each step
/// of a request took (authentication and authorization, the ClusterIP allocation, the rest of admission), not only
/// when it committed. Writes the apiserver makes on its own (namespace cleanup, binding pending Pods) have none.
public struct WriteTiming: Sendable, Equatable {
    /// The request reached the apiserver's handler.
    public var received: Date
    /// Authentication and authorization were done (= `received` when both are off).
    public var authorized: Date?
    /// The allocator's work for this write, when it took a ClusterIP (nil when it kept or needed none).
    public var allocationStarted: Date?
    public var allocated: Date?
    /// The admission chain was done and the write went to the store (nil for deletes, which are not admitted).
    public var admitted: Date?

    public init(received: Date, authorized: Date? = nil, allocationStarted: Date? = nil, allocated: Date? = nil, admitted: Date? = nil) {
        self.received = received
        self.authorized = authorized
        self.allocationStarted = allocationStarted
        self.allocated = allocated
        self.admitted = admitted
    }
}
