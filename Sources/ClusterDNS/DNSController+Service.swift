import ServiceLifecycle

/// Runs as one service of a `ServiceGroup`: a graceful shutdown (SIGTERM) cancels the informers and the loop.
extension DNSController: ServiceLifecycle.Service {
    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.runUntilCancelled() }
        logger.info("DNS controller stopped")
    }
}
