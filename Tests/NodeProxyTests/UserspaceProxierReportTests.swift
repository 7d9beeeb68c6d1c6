import NIOCore
import Testing
@testable import NodeProxy

extension UserspaceProxierTests {
    /// The report's counts are kept as ports change (a partial sync must not walk every port to count them) and
    /// match what a walk of the snapshot would give.
    @Test func reportCountsFollowPartialSyncs() async throws {
        try await withRig { proxier, backends in
            let other = ServicePortName(namespace: "default", name: "db", port: "http")
            var snapshot = UserspaceRig.snapshot(name, ip: address.ip, port: address.port, endpoints: backends)
            snapshot.services[other] = ServicePortInfo(clusterIPs: [address.ip], port: address.port + 1)
            snapshot.endpoints[other] = [EndpointInfo(ip: backends[0].ip, port: backends[0].port)]
            var report = try await proxier.sync(ProxyUpdate(snapshot: snapshot, changed: [name, other], full: true))
            #expect(report.servicePorts == 2 && report.endpoints == 4)
            #expect(report.endpoints == snapshot.selectedEndpointCount)

            snapshot.endpoints[name] = [EndpointInfo(ip: backends[1].ip, port: backends[1].port)]
            report = try await proxier.sync(ProxyUpdate(snapshot: snapshot, changed: [name], full: false))
            #expect(report.servicePorts == 2 && report.endpoints == 2)

            snapshot.endpoints[name]?.append(EndpointInfo(ip: backends[2].ip, port: backends[2].port, ready: false))
            snapshot.services[other] = nil
            snapshot.endpoints[other] = nil
            report = try await proxier.sync(ProxyUpdate(snapshot: snapshot, changed: [name, other], full: false))
            #expect(report.servicePorts == 1 && report.endpoints == 1)
            #expect(report.endpoints == snapshot.selectedEndpointCount)
        }
    }
}
