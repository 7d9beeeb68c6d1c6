import ServiceLifecycle

/// Runs as one service of a `ServiceGroup`: a graceful shutdown (SIGTERM) stops the informers and the sync loop,
/// then shuts the proxier down.
extension NodeProxyController: ServiceLifecycle.Service {
    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.runUntilCancelled() }
        logger.info("node proxy stopped")
    }
}
