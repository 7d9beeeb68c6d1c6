import Logging

/// Runs `workers` concurrent loops of `next()` → `reconcile(key)` → `finish(key, result)` over a `WorkQueue`
/// (sample-controller's `runWorker`/`processNextWorkItem`, with `finish` in place of Done + Forget).
///
/// `reconcile` returning means success (the key's backoff is forgotten); throwing means retry with backoff.
/// Because the queue never hands one key to two workers, `reconcile` needs no locking per key.
/// Event handlers should only `add` keys to the queue; all the work happens here.
public struct Controller<Key: Hashable & Sendable>: Sendable {
    public let name: String
    public let queue: WorkQueue<Key>
    public let workers: Int
    private let logger: Logger
    private let reconcile: @Sendable (Key) async throws -> Void

    public init(name: String, queue: WorkQueue<Key>, workers: Int, logger: Logger,
                reconcile: @escaping @Sendable (Key) async throws -> Void) {
        precondition(workers >= 1, "a controller needs at least one worker")
        self.name = name
        self.queue = queue
        self.workers = workers
        self.logger = logger
        self.reconcile = reconcile
    }

    /// Processes keys until the calling task is cancelled or the queue is shut down and drained.
    ///
    /// On cancellation, idle workers stop at once and busy ones finish their current key (their `reconcile`
    /// runs in the cancelled task, so it should wrap up or throw promptly); then the queue is shut down and
    /// `run` returns. Start workers only after the informers feeding the queue have synced.
    public func run() async {
        logger.debug("controller starting", metadata: ["controller": "\(name)", "workers": "\(workers)"])
        await withDiscardingTaskGroup { group in
            for _ in 0..<workers {
                group.addTask { await work() }
            }
        }
        await queue.shutDown()
        logger.debug("controller stopped", metadata: ["controller": "\(name)"])
    }

    private func work() async {
        while let key = await queue.next() {
            do {
                try await reconcile(key)
                await queue.finish(key, result: .success)
            } catch {
                await queue.finish(key, result: .retry(error))
                let retries = await queue.retries(key)
                let level: Logger.Level = Task.isCancelled ? .debug : .warning
                logger.log(level: level, "reconcile failed; retrying with backoff", metadata: [
                    "controller": "\(name)", "key": "\(key)", "retries": "\(retries)", "error": "\(error)",
                ])
            }
        }
    }
}
