import Foundation
import SkiffMessaging
import Synchronization

/// Creates `count` Services with `inFlight` requests outstanding at all times; records each latency.
struct CreateLoad {
    let connection: Connection
    let namespace: String
    let prefix: String
    let count: Int
    let inFlight: Int

    struct Result { var rate: Double; var p50: Double; var p99: Double; var max: Double }

    func run() async throws -> Result {
        let next = Counter()
        let (connection, namespace, prefix, count) = (self.connection, self.namespace, self.prefix, self.count)
        let start = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for _ in 0..<inFlight {
                group.addTask {
                    var mine: [Double] = []
                    while true {
                        let index = next.take()
                        guard index < count else { return mine }
                        let name = "\(prefix)\(index)"
                        let body = #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"\#(name)","labels":{"app":"\#(name)"}},"spec":{"selector":{"app":"\#(name)"},"ports":[{"name":"http","port":80,"targetPort":8080}]}}"#
                        let request = Request(verb: .create, resource: "services", namespace: namespace, name: "", token: nil, params: [:], body: Data(body.utf8))
                        let sent = ContinuousClock.now
                        let response = try await connection.call(request, timeout: .seconds(30))
                        guard response.code == 201 else {
                            throw BenchError("create \(name): \(response.code) \(String(decoding: response.body, as: UTF8.self))")
                        }
                        mine.append((ContinuousClock.now - sent).milliseconds)
                    }
                }
            }
            var all: [Double] = []
            for try await part in group { all += part }
            return all.sorted()
        }
        let elapsed = (ContinuousClock.now - start).milliseconds / 1000
        func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        return Result(rate: Double(count) / elapsed, p50: percentile(0.50), p99: percentile(0.99), max: latencies.last ?? 0)
    }
}

struct ListLoad {
    let connection: Connection

    func run() async throws -> (count: Int, milliseconds: Double, bytes: Int) {
        let start = ContinuousClock.now
        let response = try await connection.call(Request(verb: .list, resource: "services", namespace: "", name: "", token: nil, params: [:], body: Data()), timeout: .seconds(30))
        let elapsed = (ContinuousClock.now - start).milliseconds
        let list = try JSONSerialization.jsonObject(with: response.body) as? [String: Any]
        return ((list?["items"] as? [Any])?.count ?? 0, elapsed, response.body.count)
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension Duration {
    var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
}

/// Hands out consecutive indexes to concurrent workers.
final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    func take() -> Int { value.add(1, ordering: .relaxed).oldValue }
}
