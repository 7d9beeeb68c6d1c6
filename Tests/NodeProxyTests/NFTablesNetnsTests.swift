import Foundation
import NodeProxy
import Testing

/// Runs a command to completion (test setup only), returning its exit status and stdout.
@discardableResult
func runCommand(_ argv: [String]) -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: argv[0])
    process.arguments = Array(argv.dropFirst())
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return (-1, "") }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Why the root-only nftables tests cannot run here, or nil when they can.
let nftablesSkipReason: String? = {
    if geteuid() != 0 { return "needs root (creates a network namespace and programs nftables in it)" }
    for tool in ["/usr/sbin/nft", "/usr/sbin/ip"] where !FileManager.default.isExecutableFile(atPath: tool) { return "\(tool) is not installed" }
    return nil
}()

/// A network namespace of the test's own, deleted when the test ends (pass or fail).
final class ScratchNetns {
    let name = "skiff-nft-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"

    init() throws {
        let result = runCommand(["/usr/sbin/ip", "netns", "add", name])
        guard result.status == 0 else { throw DataplaneError(code: .commandFailed(status: result.status), command: ["ip", "netns", "add", name], stderr: "") }
    }

    func nft(_ args: String...) -> String { runCommand(["/usr/sbin/ip", "netns", "exec", name, "/usr/sbin/nft"] + args).output }

    deinit { runCommand(["/usr/sbin/ip", "netns", "delete", name]) }
}

@Suite(.enabled(if: nftablesSkipReason == nil, Comment(rawValue: nftablesSkipReason ?? "")))
struct NFTablesNetnsTests {
    /// Full sync, partial sync, and a restarted proxier reconciling what the first one left, in a real kernel.
    @Test func fullPartialAndRestartInANamespace() async throws {
        let netns = try ScratchNetns()
        var web = NFTFixtures.webInfo
        web.nodePort = 30080
        web.sessionAffinity = .clientIP(timeoutSeconds: 60)
        let all = NFTFixtures.snapshot([NFTFixtures.web: web, NFTFixtures.db: NFTFixtures.dbInfo], [NFTFixtures.web: NFTFixtures.eps(3)])
        let proxier = NFTablesProxier(backend: NFTCommand(netns: netns.name))
        _ = try await proxier.sync(ProxyUpdate(snapshot: all, changed: [], full: true))
        var table = netns.nft("list", "table", "ip", "skiff-proxy")
        #expect(table.contains("10.96.0.10 . tcp . 80 : goto \(NFTNames.svc)"))
        #expect(table.contains("tcp . 30080 : goto \(NFTNames.ext)"))
        #expect(table.contains("10.96.0.11 . tcp . 5432 : goto reject-chain"))
        #expect(table.contains("chain \(NFTNames.ep3) {"))
        #expect(table.contains("numgen random mod 3 0 goto \(NFTNames.ep1)"))
        #expect(table.contains("set \(NFTNames.aff1) {"))

        // One endpoint and the endpoint-less Service go: only their objects change.
        let fewer = NFTFixtures.snapshot([NFTFixtures.web: web], [NFTFixtures.web: NFTFixtures.eps(2)])
        let partial = try await proxier.sync(ProxyUpdate(snapshot: fewer, changed: [NFTFixtures.web, NFTFixtures.db], full: false))
        table = netns.nft("list", "table", "ip", "skiff-proxy")
        #expect(!table.contains(NFTNames.ep3))
        #expect(!table.contains("10.96.0.11"))
        #expect(table.contains("numgen random mod 2 0 goto \(NFTNames.ep1)"))
        #expect(!table.contains("numgen random mod 3"))
        #expect(partial.endpoints == 2)

        // A new proxier (a restart) with no Services: its first sync finds and removes the old objects.
        let restarted = NFTablesProxier(backend: NFTCommand(netns: netns.name))
        _ = try await restarted.sync(ProxyUpdate(snapshot: NFTFixtures.snapshot([:]), changed: [], full: true))
        table = netns.nft("list", "table", "ip", "skiff-proxy")
        #expect(!table.contains("DK7ABAZC"))
        #expect(table.contains("chain services {"))
    }

    /// Kubernetes' vmap pick (for affinity chains) is valid nft too (the cascade is the default only for its speed).
    @Test func vmapPickInANamespace() async throws {
        let netns = try ScratchNetns()
        let proxier = NFTablesProxier(backend: NFTCommand(netns: netns.name), options: NFTablesOptions(endpointPick: .vmap))
        var web = NFTFixtures.webInfo
        web.sessionAffinity = .clientIP(timeoutSeconds: 60)
        let snapshot = NFTFixtures.snapshot([NFTFixtures.web: web], [NFTFixtures.web: NFTFixtures.eps(3)])
        _ = try await proxier.sync(ProxyUpdate(snapshot: snapshot, changed: [], full: true))
        #expect(netns.nft("list", "chain", "ip", "skiff-proxy", NFTNames.svc).contains("numgen random mod 3 vmap { 0 : goto \(NFTNames.ep1)"))
    }

    /// The in-process backend (libnftables) programs the namespace it was created for, keeps its context across
    /// syncs, and reports nft's error for a bad transaction.
    @Test func libraryBackendProgramsItsNamespace() async throws {
        let netns = try ScratchNetns()
        let library = try #require(NFTLibrary(netns: netns.name), "libnftables.so.1 not loadable")
        let proxier = NFTablesProxier(backend: library)
        let three = NFTFixtures.snapshot([NFTFixtures.web: NFTFixtures.webInfo], [NFTFixtures.web: NFTFixtures.eps(3)])
        _ = try await proxier.sync(ProxyUpdate(snapshot: three, changed: [], full: true))
        #expect(netns.nft("list", "map", "ip", "skiff-proxy", "service-ips").contains("10.96.0.10 . tcp . 80 : goto pick-cluster-tcp-3"))
        let two = NFTFixtures.snapshot([NFTFixtures.web: NFTFixtures.webInfo], [NFTFixtures.web: NFTFixtures.eps(2)])
        _ = try await proxier.sync(ProxyUpdate(snapshot: two, changed: [NFTFixtures.web], full: false))
        let table = netns.nft("list", "table", "ip", "skiff-proxy")
        #expect(table.contains("goto pick-cluster-tcp-2") && !table.contains("10.244.3.2 . 8080"))
        await #expect(throws: DataplaneError.self) { try await library.run("add rule ip skiff-proxy missing-chain accept\n") }
    }

    /// nft's own complaint reaches the caller, and the table is left as it was (the transaction is atomic).
    @Test func aRejectedTransactionReportsNftsError() async throws {
        let netns = try ScratchNetns()
        let backend = NFTCommand(netns: netns.name)
        try await backend.run("add table ip skiff-proxy\n")
        do {
            try await backend.run("add chain ip skiff-proxy ok\nadd rule ip skiff-proxy missing-chain accept\n")
            Issue.record("nft accepted a rule for a missing chain")
        } catch {
            #expect(error.stderr.contains("missing-chain"))
            if case .commandFailed = error.code {} else { Issue.record("unexpected code \(error.code)") }
        }
        #expect(try await backend.list(table: "skiff-proxy").chains.isEmpty)
    }
}
