import Foundation
import SkiffAPI
import SkiffJSON
import SkiffMessaging

/// Where an informer's CPU per event goes (and the apiserver's encoding per write): the JSON decoding of a Service exactly as the apiserver stores and
/// publishes it (the reply to a real create), measured in this process, single-threaded, many times over.
struct WatchDecodeBench {
    let sample: Data

    /// Microseconds per object for each way of decoding.
    func run(iterations: Int = 20_000) -> [(String, Double)] {
        var rows: [(String, Double)] = []
        let decoder = JSONDecoder()
        rows.append(("`JSONDecoder.decode(Service.self)`, one decoder reused, one call per event", measure(iterations) {
            _ = try? decoder.decode(Service.self, from: sample)
        }))
        rows.append(("same, a new `JSONDecoder` per event", measure(iterations) {
            _ = try? JSONDecoder().decode(Service.self, from: sample)
        }))
        rows.append(("`FastJSONDecoder.decode(Service.self)` (what the informer uses now)", measure(iterations) {
            _ = try? FastJSONDecoder.decode(Service.self, from: sample)
        }))
        for batch in [16, 64, 256] {
            let array = Data("[".utf8) + Array(repeating: sample, count: batch).joined(separator: Data(",".utf8)) + Data("]".utf8)
            rows.append(("one call over a JSON array of \(batch) events, per event", measure(iterations / batch) {
                _ = try? decoder.decode([Service].self, from: array)
            } / Double(batch)))
        }
        rows.append(("parts: an empty `Decodable` (the JSON scan alone)", measure(iterations) {
            _ = try? decoder.decode(Nothing.self, from: sample)
        }))
        rows.append(("parts: `metadata` only", measure(iterations) { _ = try? decoder.decode(MetadataOnly.self, from: sample) }))
        rows.append(("parts: `spec` only", measure(iterations) { _ = try? decoder.decode(SpecOnly.self, from: sample) }))
        if let service = try? decoder.decode(Service.self, from: sample) {
            let sorted = JSONEncoder()
            sorted.outputFormatting = [.sortedKeys]
            rows.append(("encoding it (the apiserver, per write): `JSONEncoder` with `.sortedKeys`", measure(iterations) {
                _ = try? sorted.encode(service)
            }))
            rows.append(("encoding it: `FastJSONEncoder.encode` (what the apiserver uses now; same bytes)", measure(iterations) {
                _ = try? FastJSONEncoder.encode(service)
            }))
        }
        let stamp = "2026-11-27T04:40:00Z"
        rows.append(("`Timestamp.parse` of one creationTimestamp alone", measure(iterations) { _ = Timestamp.parse(stamp) }))
        rows.append(("`WatchWire.decode` of the 7 frames (no JSON)", measure(iterations) { [frames] in
            _ = try? WatchWire.decode(frames)
        }))
        return rows
    }

    private struct Nothing: Decodable {}
    private struct MetadataOnly: Decodable { var metadata: ObjectMeta }
    private struct SpecOnly: Decodable { var spec: ServiceSpec? }

    private var frames: [Data] {
        WatchWire.encode(topic: Data("services/default/".utf8), type: .added, revision: 123_456, previousOnKind: 123_455,
                         previousOnTopic: 123_455, epoch: WatchWire.epochFrame(0x1234_5678_9abc_def0), object: sample)
    }

    private func measure(_ count: Int, _ body: () -> Void) -> Double {
        for _ in 0..<max(count / 10, 1) { body() }  // warm up
        let start = ContinuousClock.now
        for _ in 0..<count { body() }
        return (ContinuousClock.now - start).milliseconds * 1000 / Double(count)
    }
}
