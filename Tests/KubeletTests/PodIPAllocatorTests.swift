import Kubelet
import Testing

struct PodIPAllocatorTests {
    @Test func handsOutTheLowestFreeAddressSkippingNetworkGatewayAndBroadcast() throws {
        var allocator = try PodIPAllocator(cidr: "127.244.1.0/30")
        #expect(allocator.capacity == 1)
        #expect(allocator.allocate() == "127.244.1.2")
        #expect(allocator.allocate() == nil)
        allocator.release("127.244.1.2")
        #expect(allocator.allocate() == "127.244.1.2")
    }

    @Test func reservedAddressesAreNotHandedOutAgain() throws {
        var allocator = try PodIPAllocator(cidr: "10.244.3.0/24")
        let reserved = [allocator.reserve("10.244.3.2"), allocator.reserve("10.244.3.4")]
        #expect(reserved == [true, true])
        #expect(allocator.allocate() == "10.244.3.3")
        #expect(allocator.allocate() == "10.244.3.5")
        let outside = [allocator.reserve("10.244.4.2"), allocator.reserve("10.244.3.255")]
        #expect(outside == [false, false])
        #expect(allocator.allocated == 4)
    }

    @Test(arguments: ["127.244.1.0", "127.244.1.0/33", "127.244.1.0/31", "127.244.1.5/24", "300.1.1.0/24", "::1/64", ""])
    func rejectsBadCIDRs(_ cidr: String) {
        #expect(throws: KubeletError.self) { try PodIPAllocator(cidr: cidr) }
    }
}
