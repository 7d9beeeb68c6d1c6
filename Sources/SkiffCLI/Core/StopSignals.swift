import Dispatch
import Foundation

/// Turns signals (SIGINT, SIGTERM) into an awaitable event, so that `get -w` ends cleanly with status 0 instead of
/// being killed. The handlers are installed at `init`, before anything is printed, so a signal sent after the
/// first output is never the default, fatal one.
///
/// `@unchecked Sendable`: the dispatch sources are only touched in `init` and `restore()`; `wait()` reads the
/// stream, which is Sendable.
final class StopSignals: @unchecked Sendable {
    private let signals: [Int32]
    private let sources: [any DispatchSourceSignal]
    private let stream: AsyncStream<Int32>

    init(_ signals: [Int32]) {
        self.signals = signals
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        self.stream = stream
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
    }

    /// Returns at the first signal, or when the calling task is cancelled.
    func wait() async {
        for await _ in stream { return }
    }

    /// Puts the default handlers back.
    func restore() {
        for source in sources { source.cancel() }
        for number in signals { signal(number, SIG_DFL) }
    }
}
