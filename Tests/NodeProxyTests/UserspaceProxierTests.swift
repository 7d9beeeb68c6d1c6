import Foundation
import Glibc
import NIOCore
import Testing
@testable import NodeProxy

/// The userspace proxier against real sockets on loopback: three named backends on 127.0.0.1 ephemeral ports
/// behind a random ClusterIP in 127.96.200.0/24-127.96.254.0/24.
@Suite("Userspace proxier")
struct UserspaceProxierTests {
    let name = ServicePortName(namespace: "default", name: "web", port: "http")
    let address = UserspaceRig.randomClusterAddress()

    /// Starts three TCP backends and a proxier, runs `body`, then stops them all, even when `body` throws.
    func withRig(_ body: (UserspaceProxier, [Backend]) async throws -> Void) async throws {
        var backends: [Backend] = []
        for name in ["b1", "b2", "b3"] { backends.append(try await Backend.tcp(name)) }
        let proxier = UserspaceProxier(group: UserspaceRig.group)
        do {
            try await body(proxier, backends)
        } catch {
            await proxier.shutdown()
            for backend in backends { await backend.stop() }
            throw error
        }
        await proxier.shutdown()
        for backend in backends { await backend.stop() }
    }

    @Test func roundRobinReachesEveryBackend() async throws {
        try await withRig { proxier, backends in
            let report = try await proxier.sync(ProxyUpdate(
                snapshot: UserspaceRig.snapshot(name, ip: address.ip, port: address.port, endpoints: backends),
                changed: [name], full: true))
            #expect(report.rulesWritten == 1)
            #expect(report.servicePorts == 1)
            #expect(report.endpoints == 3)
            var seen: [String: Int] = [:]
            for _ in 0..<30 {
                let backend = try #require(try await LoopbackSocket.backendName(address.ip, address.port))
                seen[backend, default: 0] += 1
            }
            #expect(seen == ["b1": 10, "b2": 10, "b3": 10])
        }
    }

    @Test func clientIPAffinityKeepsAClientOnOneBackend() async throws {
        try await withRig { proxier, backends in
            _ = try await proxier.sync(ProxyUpdate(
                snapshot: UserspaceRig.snapshot(name, ip: address.ip, port: address.port, endpoints: backends,
                                                affinity: .clientIP(timeoutSeconds: 600)),
                changed: [name], full: true))
            for source in ["127.0.0.1", "127.0.0.2"] {
                var seen: Set<String> = []
                for _ in 0..<9 { seen.insert(try #require(try await LoopbackSocket.backendName(address.ip, address.port, from: source))) }
                #expect(seen.count == 1, "client \(source) reached \(seen)")
            }
        }
    }

    @Test func deadEndpointIsSkipped() async throws {
        try await withRig { proxier, backends in
            let dead = try UserspaceRig.closedPort()
            var snapshot = UserspaceRig.snapshot(name, ip: address.ip, port: address.port, endpoints: backends)
            snapshot.endpoints[name]?.append(EndpointInfo(ip: "127.0.0.1", port: dead))
            _ = try await proxier.sync(ProxyUpdate(snapshot: snapshot, changed: [name], full: true))
            var seen: [String: Int] = [:]
            for _ in 0..<20 {
                let backend = try #require(try await LoopbackSocket.backendName(address.ip, address.port))
                seen[backend, default: 0] += 1
            }
            #expect(Set(seen.keys) == ["b1", "b2", "b3"])
            #expect(seen.values.reduce(0, +) == 20)
        }
    }

    @Test func endpointChangeKeepsTheListenerAndItsConnections() async throws {
        try await withRig { proxier, backends in
            _ = try await proxier.sync(ProxyUpdate(
                snapshot: UserspaceRig.snapshot(name, ip: address.ip, port: address.port, endpoints: backends),
                changed: [name], full: true))
            let ip = address.ip, port = address.port
            let open = try await blocking { try LoopbackSocket.tcp(ip, port) }
            let first = try #require(try await blocking { try open.readLine() })
            let listenersBefore = await proxier.listeners(for: name)

            let report = try await proxier.sync(ProxyUpdate(
                snapshot: UserspaceRig.snapshot(name, ip: address.ip, port: address.port, endpoints: [backends[2]]),
                changed: [name], full: false))
            #expect(report.rulesWritten == 0)
            #expect(await proxier.listeners(for: name) == listenersBefore)
            for _ in 0..<6 { #expect(try await LoopbackSocket.backendName(address.ip, address.port) == "b3") }
            let echo = try await blocking {
                try open.send("still here\n")
                return try open.readLine()
            }
            #expect(echo == "still here", "connection to \(first) survived the endpoint change")
        }
    }

    @Test func removingTheServiceClosesTheListener() async throws {
        try await withRig { proxier, backends in
            _ = try await proxier.sync(ProxyUpdate(
                snapshot: UserspaceRig.snapshot(name, ip: address.ip, port: address.port, endpoints: backends),
                changed: [name], full: true))
            #expect(try await LoopbackSocket.backendName(address.ip, address.port) != nil)
            let report = try await proxier.sync(ProxyUpdate(snapshot: ProxySnapshot(nodeName: "node-1"), changed: [name], full: false))
            #expect(report.rulesWritten == 1)
            #expect(await proxier.listeners(for: name).isEmpty)
            let ip = address.ip, port = address.port
            let refused = try await blocking { () -> RigError? in
                do { _ = try LoopbackSocket.tcp(ip, port); return nil } catch let error as RigError { return error }
            }
            #expect(refused == RigError.system("connect", ECONNREFUSED))
        }
    }

    @Test func shutdownClosesListenersAndOpenConnections() async throws {
        try await withRig { proxier, backends in
            _ = try await proxier.sync(ProxyUpdate(
                snapshot: UserspaceRig.snapshot(name, ip: address.ip, port: address.port, endpoints: backends),
                changed: [name], full: true))
            let ip = address.ip, port = address.port
            let open = try await blocking { try LoopbackSocket.tcp(ip, port) }
            #expect(try await blocking { try open.readLine() } != nil)
            #expect(await proxier.openConnections == 1)
            await proxier.shutdown()
            #expect(try await blocking { try open.readLine() } == nil, "the open connection was closed")
            #expect(await proxier.openConnections == 0)
        }
    }

    @Test func bulkEchoSurvivesBackpressure() async throws {
        try await withRig { proxier, backends in
            _ = try await proxier.sync(ProxyUpdate(
                snapshot: UserspaceRig.snapshot(name, ip: address.ip, port: address.port, endpoints: [backends[0]]),
                changed: [name], full: true))
            let ip = address.ip, port = address.port
            let socket = try await blocking { try LoopbackSocket.tcp(ip, port) }
            #expect(try await blocking { try socket.readLine() } == "b1")
            let payload = (0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            async let written: Void = blocking { try socket.sendAll(payload) }
            let echoed = try await blocking { try socket.read(count: payload.count) }
            try await written
            #expect(echoed.count == payload.count)
            #expect(echoed == payload)
        }
    }

    @Test func halfCloseStillDeliversTheReply() async throws {
        try await withRig { proxier, backends in
            _ = try await proxier.sync(ProxyUpdate(
                snapshot: UserspaceRig.snapshot(name, ip: address.ip, port: address.port, endpoints: [backends[1]]),
                changed: [name], full: true))
            let ip = address.ip, port = address.port
            let lines = try await blocking { () -> [String?] in
                let socket = try LoopbackSocket.tcp(ip, port)
                try socket.send("last words\n")
                socket.shutdownWrite()
                return [try socket.readLine(), try socket.readLine(), try socket.readLine()]
            }
            #expect(lines == ["b2", "last words", nil])
        }
    }

    @Test func nodePortListensOnTheNodeAddress() async throws {
        var backends: [Backend] = []
        for name in ["n1", "n2"] { backends.append(try await Backend.tcp(name)) }
        let node = UserspaceRig.randomClusterAddress()
        let proxier = UserspaceProxier(group: UserspaceRig.group, options: .init(nodeAddress: node.ip))
        var snapshot = UserspaceRig.snapshot(name, ip: address.ip, port: address.port, endpoints: backends)
        snapshot.services[name]?.nodePort = node.port
        do {
            let report = try await proxier.sync(ProxyUpdate(snapshot: snapshot, changed: [name], full: true))
            #expect(report.rulesWritten == 2)
            var seen: Set<String> = []
            for _ in 0..<4 { seen.insert(try #require(try await LoopbackSocket.backendName(node.ip, node.port))) }
            #expect(seen == ["n1", "n2"])
            #expect(try await LoopbackSocket.backendName(address.ip, address.port) != nil)
        } catch {
            await proxier.shutdown()
            for backend in backends { await backend.stop() }
            throw error
        }
        await proxier.shutdown()
        for backend in backends { await backend.stop() }
    }

    @Test func serviceWithoutEndpointsClosesConnectionsAtOnce() async throws {
        try await withRig { proxier, _ in
            _ = try await proxier.sync(ProxyUpdate(
                snapshot: UserspaceRig.snapshot(name, ip: address.ip, port: address.port, endpoints: []),
                changed: [name], full: true))
            let start = ContinuousClock.now
            #expect(try await LoopbackSocket.backendName(address.ip, address.port) == nil)
            #expect(ContinuousClock.now - start < .seconds(2), "closed at once, not after a timeout")
        }
    }

    @Test func twoProxiersShareOneClusterAddress() async throws {
        try await withRig { first, backends in
            let second = UserspaceProxier(group: UserspaceRig.group)
            let update = ProxyUpdate(
                snapshot: UserspaceRig.snapshot(name, ip: address.ip, port: address.port, endpoints: backends),
                changed: [name], full: true)
            _ = try await first.sync(update)
            do {
                _ = try await second.sync(update)
                for _ in 0..<12 { #expect(try await LoopbackSocket.backendName(address.ip, address.port) != nil) }
                await first.shutdown()
                for _ in 0..<6 { #expect(try await LoopbackSocket.backendName(address.ip, address.port) != nil, "the second proxier serves alone") }
            } catch {
                await second.shutdown()
                throw error
            }
            await second.shutdown()
        }
    }

    @Test func udpSessionsReachEveryBackendAndRepliesComeFromTheService() async throws {
        let udpName = ServicePortName(namespace: "default", name: "dns", port: "dns", protocol: .udp)
        var backends: [Backend] = []
        for name in ["u1", "u2", "u3"] { backends.append(try await Backend.udp(name)) }
        let proxier = UserspaceProxier(group: UserspaceRig.group)
        do {
            _ = try await proxier.sync(ProxyUpdate(
                snapshot: UserspaceRig.snapshot(udpName, ip: address.ip, port: address.port, endpoints: backends),
                changed: [udpName], full: true))
            var names: Set<String> = []
            let ip = address.ip, port = address.port
            for index in 0..<3 {
                let client = try LoopbackSocket.udp()
                for round in 0..<2 {
                    let answer = try await blocking { try client.exchange("ping\(index).\(round)", with: ip, port) }
                    #expect(answer.from == "\(address.ip):\(address.port)")
                    let parts = answer.reply.split(separator: ":", maxSplits: 1).map(String.init)
                    #expect(parts.last == "ping\(index).\(round)")
                    names.insert(parts[0])
                }
            }
            #expect(names == ["u1", "u2", "u3"])
        } catch {
            await proxier.shutdown()
            for backend in backends { await backend.stop() }
            throw error
        }
        await proxier.shutdown()
        for backend in backends { await backend.stop() }
    }
}
