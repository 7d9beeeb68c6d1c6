import Foundation
import SkiffAPI
import SkiffStore

/// When the request being handled reached the apiserver and was authenticated and authorized. `RequestHandler`
/// binds it for the request's task, so the registry stamps every write of the request with a `WriteTiming` without
/// threading it through each operation; writes made outside a request (namespace cleanup, binding pending Pods)
/// find none and carry no timing.
struct RequestClock: Sendable {
    @TaskLocal static var current: RequestClock?

    var received: Date
    var authorized: Date

    /// Runs `operation` with this clock bound.
    func bind<R>(_ operation: () async throws(Status) -> R) async throws(Status) -> R {
        let result: Result<R, Status> = await Self.$current.withValue(self) {
            do throws(Status) { return .success(try await operation()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// The timing of one write of the current request: admitted now (or `admitted`), with its allocation window.
    static func timing(admitted: Date?, allocation: ClosedRange<Date>? = nil) -> WriteTiming? {
        guard let current else { return nil }
        return WriteTiming(received: current.received, authorized: current.authorized, allocationStarted: allocation?.lowerBound,
                           allocated: allocation?.upperBound, admitted: admitted)
    }
}
