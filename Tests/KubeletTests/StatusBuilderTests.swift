import Foundation
import Kubelet
import SkiffAPI
import Testing

struct PodStatusBuilderTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func condition(_ status: PodStatus, _ type: String) -> PodCondition? { status.conditions?.first { $0.type == type } }

    @Test func readyWhenEveryContainerIsReady() {
        let status = PodStatusBuilder.status(previous: nil, podIP: "127.244.1.2", hostIP: "127.0.0.1", startTime: start, containers: [
            ContainerView(name: "a", running: true, ready: true), ContainerView(name: "b", running: true, ready: true),
        ], now: start)
        #expect(status.phase == "Running")
        #expect(status.podIP == "127.244.1.2" && status.podIPs?.map(\.ip) == ["127.244.1.2"])
        #expect(condition(status, "Ready")?.status == "True")
        #expect(condition(status, "ContainersReady")?.status == "True")
        #expect(status.containerStatuses?.map(\.ready) == [true, true])
    }

    @Test func oneUnreadyContainerMakesThePodNotReadyAndKeepsTransitionTimes() {
        let first = PodStatusBuilder.status(previous: nil, podIP: "127.244.1.2", hostIP: "127.0.0.1", startTime: start, containers: [
            ContainerView(name: "a", running: true, ready: false),
        ], now: start)
        #expect(condition(first, "Ready")?.status == "False")
        #expect(condition(first, "Ready")?.reason == "ContainersNotReady")
        let later = start.addingTimeInterval(60)
        let second = PodStatusBuilder.status(previous: first, podIP: "127.244.1.2", hostIP: "127.0.0.1", startTime: start, containers: [
            ContainerView(name: "a", running: true, ready: false),
        ], now: later)
        #expect(condition(second, "Ready")?.lastTransitionTime == condition(first, "Ready")?.lastTransitionTime)
        let third = PodStatusBuilder.status(previous: second, podIP: "127.244.1.2", hostIP: "127.0.0.1", startTime: start, containers: [
            ContainerView(name: "a", running: true, ready: true),
        ], now: later)
        #expect(condition(third, "Ready")?.lastTransitionTime == Timestamp(later))
    }

    @Test func phaseFollowsTheContainers() {
        func phase(_ containers: [ContainerView]) -> String? {
            PodStatusBuilder.status(previous: nil, podIP: "x", hostIP: "y", startTime: start, containers: containers).phase
        }
        #expect(phase([ContainerView(name: "a", running: false, ready: false)]) == "Pending")
        #expect(phase([ContainerView(name: "a", running: false, ready: false, lastExitCode: 0, finished: true)]) == "Succeeded")
        #expect(phase([ContainerView(name: "a", running: false, ready: false, lastExitCode: 2, finished: true)]) == "Failed")
        #expect(phase([ContainerView(name: "a", running: false, ready: false, restartCount: 1, lastExitCode: 2)]) == "Pending")
    }
}

struct NodeStatusBuilderTests {
    @Test func registersLabelsAndPodCIDR() {
        let node = NodeStatusBuilder.node(name: "node-1", podCIDR: "127.244.1.0/24", zone: "zone-a")
        #expect(node.metadata.labels?["kubernetes.io/hostname"] == "node-1")
        #expect(node.metadata.labels?["topology.kubernetes.io/zone"] == "zone-a")
        #expect(node.spec?.podCIDR == "127.244.1.0/24")
    }

    @Test func heartbeatMovesButTransitionStaysWhileReady() {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let first = NodeStatusBuilder.status(previous: nil, nodeIP: "127.0.0.1", hostname: "node-1", ready: true, podCapacity: 253, now: t0)
        let second = NodeStatusBuilder.status(previous: first, nodeIP: "127.0.0.1", hostname: "node-1", ready: true, podCapacity: 253, now: t0.addingTimeInterval(10))
        let ready = second.conditions?.first
        #expect(ready?.status == "True")
        #expect(ready?.lastHeartbeatTime == Timestamp(t0.addingTimeInterval(10)))
        #expect(ready?.lastTransitionTime == Timestamp(t0))
        #expect(second.addresses?.first?.address == "127.0.0.1")
        #expect(second.capacity?["pods"] == "253")
    }
}
