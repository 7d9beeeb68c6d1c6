import NodeProxy
import Synchronization
import Testing

/// Records transactions instead of running nft (knftables' fake); lists what it is told; fails when told to.
final class RecordingNFTables: NFTablesBackend {
    let transactions = Mutex<[String]>([])
    let lists = Mutex(0)
    let failNext = Mutex(false)
    let contents: NFTablesTableContents

    init(contents: NFTablesTableContents = .init()) {
        self.contents = contents
    }

    func run(_ transaction: String) async throws(DataplaneError) {
        if failNext.withLock({ fail in defer { fail = false }; return fail }) {
            throw DataplaneError(code: .commandFailed(status: 1), command: ["nft", "-f", "-"], stderr: "Error: Could not process rule: No such file or directory")
        }
        transactions.withLock { $0.append(transaction) }
    }

    func list(table: String) async throws(DataplaneError) -> NFTablesTableContents {
        lists.withLock { $0 += 1 }
        return contents
    }
}

struct NFTablesProxierTests {
    let web = NFTFixtures.web
    let threeEndpoints = NFTFixtures.snapshot([NFTFixtures.web: NFTFixtures.webInfo], [NFTFixtures.web: NFTFixtures.eps(3)])
    let twoEndpoints = NFTFixtures.snapshot([NFTFixtures.web: NFTFixtures.webInfo], [NFTFixtures.web: NFTFixtures.eps(2)])

    @Test func firstSyncListsAndRewritesTheTableThenOnlyChangesAreWritten() async throws {
        let backend = RecordingNFTables(contents: NFTablesTableContents(chains: ["service-OLD00000-ns9/gone/tcp/"]))
        let proxier = NFTablesProxier(backend: backend)
        #expect(proxier.mode == .nftables)
        // Even a sync marked partial is full until the table has been reconciled once.
        let first = try await proxier.sync(ProxyUpdate(snapshot: threeEndpoints, changed: [web], full: false))
        let second = try await proxier.sync(ProxyUpdate(snapshot: twoEndpoints, changed: [web], full: false))
        let transactions = backend.transactions.withLock { $0 }
        #expect(backend.lists.withLock { $0 } == 1)
        #expect(transactions.count == 2)
        #expect(transactions[0].hasPrefix("add table ip skiff-proxy"))
        #expect(transactions[0].contains("delete chain ip skiff-proxy service-OLD00000-ns9/gone/tcp/"))
        #expect(!transactions[1].contains("add table"))
        #expect(transactions[1].contains("delete element ip skiff-proxy service-endpoints-tcp { 2 . 10.96.0.10 . 80 }"))
        #expect(first.servicePorts == 1 && first.endpoints == 3)
        #expect(first.rulesWritten == transactions[0].split(separator: "\n").count)
        #expect(second.servicePorts == 1 && second.endpoints == 2)
        #expect(second.rulesWritten == 6)
    }

    /// A failed apply changes nothing the proxier remembers, and the next sync reconciles the whole table.
    @Test func failedApplyForcesAFullSync() async throws {
        let backend = RecordingNFTables()
        let proxier = NFTablesProxier(backend: backend)
        _ = try await proxier.sync(ProxyUpdate(snapshot: threeEndpoints, changed: [web], full: true))
        backend.failNext.withLock { $0 = true }
        await #expect(throws: DataplaneError.self) {
            _ = try await proxier.sync(ProxyUpdate(snapshot: twoEndpoints, changed: [web], full: false))
        }
        #expect(await proxier.programmedPorts[web]?.endpointCount == 3)
        _ = try await proxier.sync(ProxyUpdate(snapshot: twoEndpoints, changed: [web], full: false))
        let last = backend.transactions.withLock { $0.last ?? "" }
        #expect(last.hasPrefix("add table ip skiff-proxy"))
        #expect(await proxier.programmedPorts[web]?.endpointCount == 2)
    }

    @Test func removedPortsLeaveTheReport() async throws {
        let backend = RecordingNFTables()
        let proxier = NFTablesProxier(backend: backend)
        _ = try await proxier.sync(ProxyUpdate(snapshot: threeEndpoints, changed: [], full: true))
        let report = try await proxier.sync(ProxyUpdate(snapshot: NFTFixtures.snapshot([:]), changed: [web], full: false))
        #expect(report.servicePorts == 0 && report.endpoints == 0)
        #expect(await proxier.programmedPorts.isEmpty)
    }

    @Test func errorsCarryTheCommandAndStderr() {
        let error = DataplaneError(code: .commandFailed(status: 1), command: ["/usr/sbin/nft", "-f", "-"], stderr: "Error: syntax error\n")
        #expect(error.description == "Exit status 1 from `/usr/sbin/nft -f -`: Error: syntax error")
    }
}
