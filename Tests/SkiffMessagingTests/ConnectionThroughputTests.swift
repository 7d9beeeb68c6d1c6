import Foundation
import SkiffMessaging
import Synchronization
import Testing

/// Measures round trips per second through the real transport (loopback tcp, 64 calls in flight, trivial
/// handler) and prints the rate. It asserts only correctness: timing depends on the machine and the build.
@Suite struct ConnectionThroughputTests {
    @Test func roundTripsPerSecond() async throws {
        let server = try RunningServer { request in Response(code: 200, body: request.body) }
        let connection = try Connection(endpoint: server.endpoint)
        let total = 20_000
        let inFlight = 64
        let tickets = Tickets()
        let body = Data(repeating: UInt8(ascii: "x"), count: 100)
        _ = try await connection.call(get("warm-up"))
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<inFlight {
                group.addTask {
                    while tickets.take() < total {
                        let response = try await connection.call(Request(verb: .get, resource: "services", namespace: "default", name: "web", body: body))
                        guard response.code == 200, response.body == body else { throw MessagingError(.malformed, "wrong reply") }
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        #if DEBUG
        let build = "debug"
        #else
        let build = "release"
        #endif
        print(String(format: "SkiffMessaging throughput (%@ build): %d round trips, %d in flight, %.2f s: %.0f round trips/s",
                     build, total, inFlight, seconds, Double(total) / seconds))
        #expect(connection.droppedReplies == 0)
        connection.close()
        try await server.stop()
    }
}

/// Hands out 0, 1, 2, ... to concurrent workers.
final class Tickets: Sendable {
    private let next = Atomic<Int>(0)
    func take() -> Int { next.add(1, ordering: .relaxed).oldValue }
}
