import NIOCore
import Testing
@testable import NodeProxy

@Suite("Userspace balancer")
struct UserspaceBalancerTests {
    let a = EndpointInfo(ip: "127.244.1.1", port: 80)
    let b = EndpointInfo(ip: "127.244.1.2", port: 80)
    let c = EndpointInfo(ip: "127.244.1.3", port: 80)

    @Test func roundRobinRotatesTheWholeList() {
        let balancer = UserspaceBalancer(endpoints: [a, b, c], affinity: .none)
        #expect(balancer.order(client: "127.0.0.1") == [a, b, c])
        #expect(balancer.order(client: "127.0.0.1") == [b, c, a])
        #expect(balancer.order(client: "127.0.0.1") == [c, a, b])
        #expect(balancer.order(client: nil) == [a, b, c])
    }

    @Test func affinityStartsWithTheRememberedEndpointUntilItLapses() {
        let balancer = UserspaceBalancer(endpoints: [a, b, c], affinity: .clientIP(timeoutSeconds: 10))
        let now = NIODeadline.uptimeNanoseconds(1_000_000_000_000)
        balancer.used(b, client: "10.0.0.1", now: now)
        #expect(balancer.order(client: "10.0.0.1", now: now + .seconds(9)) == [b, c, a])
        #expect(balancer.order(client: "10.0.0.1", now: now + .seconds(9)) == [b, c, a])
        // Lapsed: back to round robin, which affinity hits did not advance.
        #expect(balancer.order(client: "10.0.0.1", now: now + .seconds(11)) == [a, b, c])
        #expect(balancer.order(client: "10.0.0.2", now: now) == [b, c, a])
    }

    @Test func affinityIsForgottenWhenTheEndpointGoes() {
        let balancer = UserspaceBalancer(endpoints: [a, b, c], affinity: .clientIP(timeoutSeconds: 10))
        let now = NIODeadline.uptimeNanoseconds(1_000_000_000_000)
        balancer.used(c, client: "10.0.0.1", now: now)
        balancer.update(endpoints: [a, b], affinity: .clientIP(timeoutSeconds: 10))
        balancer.update(endpoints: [a, b, c], affinity: .clientIP(timeoutSeconds: 10))
        #expect(balancer.order(client: "10.0.0.1", now: now) == [a, b, c])
    }

    @Test func noEndpointsGivesAnEmptyOrder() {
        let balancer = UserspaceBalancer(endpoints: [], affinity: .none)
        #expect(balancer.order(client: "127.0.0.1").isEmpty)
        #expect(balancer.isEmpty)
    }
}
