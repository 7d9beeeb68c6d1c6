import Foundation

/// The `_sum` and `_count` lines of the histograms a component serves at `http://127.0.0.1:PORT/metrics` (via
/// curl), for the suites' "own histograms" blocks. Empty when the component does not answer.
func scrapeHistogramTotals(metricsPort port: Int) -> [String] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = ["-sf", "--max-time", "2", "http://127.0.0.1:\(port)/metrics"]
    let out = Pipe()
    process.standardOutput = out
    guard (try? process.run()) != nil else { return [] }
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return text.split(separator: "\n").map(String.init).filter { $0.contains("_seconds_sum") || $0.contains("_seconds_count") }
}
