import Foundation
import NodeProxy
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Real connections through the proxier's rules in a namespace of the test's own: one end of a veth pair (the
/// kernel here has no dummy interfaces) holds the clients' and the backends' addresses and a route for the
/// Service range, so the output path DNATs each connection to a local listener, and the listener that accepts
/// it tells which endpoint was picked. Undirected packets go to the other end, which has no address: dropped.
@Suite(.enabled(if: nftablesSkipReason == nil, Comment(rawValue: nftablesSkipReason ?? "")))
struct NFTablesTrafficTests {
    static let sticky = ServicePortName(namespace: "ns1", name: "sticky", port: "http")
    static let backends = ["10.244.1.2", "10.244.2.2", "10.244.3.2"]

    /// The namespace with the addresses, and a listener on port 8080 of every backend address.
    func topology() throws -> (ScratchNetns, NetnsSockets, [Int32]) {
        let netns = try ScratchNetns()
        let ip = ["/usr/sbin/ip", "netns", "exec", netns.name, "/usr/sbin/ip"]
        for args in [["link", "set", "lo", "up"], ["link", "add", "v0", "type", "veth", "peer", "name", "v1"],
                     ["link", "set", "v0", "up"], ["link", "set", "v1", "up"], ["route", "add", "10.96.0.0/16", "dev", "v0"]]
                     + (["10.0.0.1", "10.0.0.2"] + Self.backends).map({ ["addr", "add", "\($0)/32", "dev", "v0"] }) {
            let result = runCommand(ip + args)
            guard result.status == 0 else { throw DataplaneError(code: .commandFailed(status: result.status), command: ip + args, stderr: "") }
        }
        let sockets = NetnsSockets(netns: netns.name)
        return (netns, sockets, try sockets.listen(Self.backends.map { ($0, 8080) }))
    }

    /// Indexes of the backends that accepted `count` connections from `source` (nil entries: not accepted).
    func picks(_ sockets: NetnsSockets, _ listeners: [Int32], from source: String = "10.0.0.1", to ip: String, count: Int = 30) -> [Int?] {
        (0..<count).map { _ in
            if case .accepted(let index, _) = sockets.connect(from: source, to: ip, port: 80, listeners: listeners) { return index }
            return nil
        }
    }

    @Test func trafficReachesEveryReadyEndpointAndFollowsChanges() async throws {
        let (netns, sockets, listeners) = try topology()
        defer { listeners.forEach { close($0) } }
        var sticky = ServicePortInfo(clusterIPs: ["10.96.0.12"], port: 80)
        sticky.sessionAffinity = .clientIP(timeoutSeconds: 600)
        var snapshot = NFTFixtures.snapshot(
            [NFTFixtures.web: NFTFixtures.webInfo, NFTFixtures.db: NFTFixtures.dbInfo, Self.sticky: sticky],
            [NFTFixtures.web: NFTFixtures.eps(3), Self.sticky: NFTFixtures.eps(3)])
        let proxier = NFTablesProxier(backend: NFTCommand(netns: netns.name))
        _ = try await proxier.sync(ProxyUpdate(snapshot: snapshot, changed: [], full: true))

        // Every backend answers: 30 connections pick each of 3 at random (all three with probability > 0.9999).
        #expect(Set(picks(sockets, listeners, to: "10.96.0.10")) == [0, 1, 2])

        // No endpoints: refused at once (TCP reset from the reject chain), not left to time out.
        let clock = ContinuousClock()
        let start = clock.now
        #expect(sockets.connect(from: "10.0.0.1", to: "10.96.0.11", port: 5432, listeners: listeners) == .refused)
        #expect(clock.now - start < .seconds(1))

        // ClientIP affinity: each client sticks to the endpoint it got first.
        for client in ["10.0.0.1", "10.0.0.2"] {
            let chosen = picks(sockets, listeners, from: client, to: "10.96.0.12", count: 15)
            #expect(Set(chosen).count == 1 && chosen[0] != nil, "\(client): \(chosen)")
        }

        // Hairpin: a backend reaching itself through the Service is masqueraded (sees another source); reaching
        // another backend, it keeps its own address.
        var hairpins = 0
        for _ in 0..<30 {
            guard case .accepted(let index, let peer) = sockets.connect(from: Self.backends[0], to: "10.96.0.10", port: 80, listeners: listeners) else {
                Issue.record("hairpin connection not accepted"); continue
            }
            if index == 0 { hairpins += 1; #expect(peer != Self.backends[0]) } else { #expect(peer == Self.backends[0]) }
        }
        #expect(hairpins > 0)

        // A backend not ready: a partial sync, and it gets no more traffic.
        snapshot.endpoints[NFTFixtures.web] = [EndpointInfo(ip: Self.backends[0], port: 8080), EndpointInfo(ip: Self.backends[1], port: 8080, ready: false),
                                               EndpointInfo(ip: Self.backends[2], port: 8080)]
        _ = try await proxier.sync(ProxyUpdate(snapshot: snapshot, changed: [NFTFixtures.web], full: false))
        #expect(Set(picks(sockets, listeners, to: "10.96.0.10")) == [0, 2])

        // A restarted proxy's first (full) sync rewrites the table it finds: the traffic is the same.
        let restarted = NFTablesProxier(backend: NFTCommand(netns: netns.name))
        _ = try await restarted.sync(ProxyUpdate(snapshot: snapshot, changed: [], full: true))
        #expect(Set(picks(sockets, listeners, to: "10.96.0.10")) == [0, 2])

        // Deleted: its elements are gone and nothing answers the ClusterIP any more.
        snapshot.services[NFTFixtures.web] = nil
        snapshot.endpoints[NFTFixtures.web] = nil
        _ = try await restarted.sync(ProxyUpdate(snapshot: snapshot, changed: [NFTFixtures.web], full: false))
        #expect(!netns.nft("list", "table", "ip", "skiff-proxy").contains("10.96.0.10"))
        #expect(sockets.connect(from: "10.0.0.1", to: "10.96.0.10", port: 80, listeners: listeners, timeoutMs: 300) == .timedOut)
    }
}
