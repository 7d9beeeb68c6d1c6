import Foundation
import SkiffAPI

/// What an admission plugin sees and may change: one object on its way to the store.
struct AdmissionRequest: Sendable {
    enum Operation: String, Sendable { case create = "CREATE", update = "UPDATE", delete = "DELETE" }

    var operation: Operation
    var resource: ResourceInfo
    var namespace: String
    var name: String
    /// The object after the request (nil for delete).
    var object: (any APIObject)?
    /// The stored object before the request (nil for create).
    var old: (any APIObject)?
    /// Namespaces that an earlier item of the same atomic apply creates.
    var namespacesInBatch: Set<String> = []
    /// Allocations made for this request, undone if it does not commit.
    var reservation = Reservation()
    /// When the allocator took a new ClusterIP for this request, start to end (for the registration timeline).
    var allocation: ClosedRange<Date>?
}

/// One step of the admission chain: mutating steps change `request.object`, validating ones throw.
/// Kubernetes runs the same kinds of steps in the same order: lifecycle, defaulting, validation, allocation.
protocol AdmissionPlugin: Sendable {
    var name: String { get }
    func admit(_ request: inout AdmissionRequest) async throws(Status)
}

/// The plugins, in order. A plugin that throws stops the chain and undoes the reservations made so far.
struct AdmissionChain: Sendable {
    let plugins: [any AdmissionPlugin]

    func admit(_ request: inout AdmissionRequest) async throws(Status) {
        for plugin in plugins {
            do {
                try await plugin.admit(&request)
            } catch {
                request.reservation.rollback()
                throw error
            }
        }
    }
}

/// Allocations held for a request that has not committed yet.
struct Reservation: Sendable {
    var clusterIPs: [(ClusterIPAllocator, String)] = []
    var nodePorts: [(PortAllocator, Int)] = []
    /// Quota slots held by creates: counted until the create commits (then the object counts) or is undone.
    var quotaSlots: [ServiceQuota.Slot] = []
    /// Released once the write commits (what the old object held and the new one does not).
    var releaseOnCommit = Release()

    struct Release: Sendable {
        var clusterIPs: [(ClusterIPAllocator, String)] = []
        var nodePorts: [(PortAllocator, Int)] = []

        func run() {
            for (allocator, ip) in clusterIPs { allocator.release(ip) }
            for (allocator, port) in nodePorts { allocator.release(port) }
        }
    }

    /// The write failed or was a dry run: give back what was taken.
    mutating func rollback() {
        for (allocator, ip) in clusterIPs { allocator.release(ip) }
        for (allocator, port) in nodePorts { allocator.release(port) }
        for slot in quotaSlots { slot.quota.release(slot, committed: false) }
        self = Reservation()
    }

    /// The write committed: keep what was taken, free what was replaced.
    mutating func commit() {
        releaseOnCommit.run()
        for slot in quotaSlots { slot.quota.release(slot, committed: true) }
        self = Reservation()
    }

    mutating func merge(_ other: Reservation) {
        clusterIPs += other.clusterIPs
        nodePorts += other.nodePorts
        quotaSlots += other.quotaSlots
        releaseOnCommit.clusterIPs += other.releaseOnCommit.clusterIPs
        releaseOnCommit.nodePorts += other.releaseOnCommit.nodePorts
    }
}
