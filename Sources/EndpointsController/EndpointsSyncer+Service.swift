import ServiceLifecycle

/// Runs as one service of a `ServiceGroup`: a graceful shutdown (SIGTERM) cancels the informers and the workers;
/// workers finish the key they hold, so no plan is left half applied by the shutdown itself.
extension EndpointsSyncer: ServiceLifecycle.Service {
    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.runUntilCancelled() }
        logger.info("endpoints controller stopped", metadata: ["writes": "\(statistics.writes)"])
    }
}
