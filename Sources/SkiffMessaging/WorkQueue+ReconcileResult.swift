/// How a reconcile of one key ended, given to `WorkQueue.finish(_:result:)`.
public enum ReconcileResult: Sendable {
    /// Done: the key's retry history is forgotten.
    case success
    /// Failed: the key is retried after the rate limiter's backoff.
    case retry(any Error)
    /// Done for now, but look again after this delay (e.g. a certificate close to expiry); resets the backoff.
    case requeueAfter(Duration)
}
