@testable import APIServer
import Testing

@Suite struct ClusterIPAllocatorTests {
    @Test func rangeExcludesNetworkAndBroadcast() throws {
        let range = try IPv4Range(cidr: "127.96.0.0/16")
        #expect(range.size == 65534)
        #expect(range.offset(of: IPv4Range.parse("127.96.0.0")!) == nil)
        #expect(range.offset(of: IPv4Range.parse("127.96.255.255")!) == nil)
        #expect(range.offset(of: IPv4Range.parse("127.96.0.1")!) == 0)
        #expect(range.offset(of: IPv4Range.parse("127.97.0.1")!) == nil)
    }

    @Test(arguments: ["127.96.0.0", "127.96.0.0/33", "127.96.0.0/31", "300.1.1.1/16", "fd00::/64"])
    func invalidRangesAreRefused(cidr: String) {
        #expect(throws: AllocationError.self) { try IPv4Range(cidr: cidr) }
    }

    @Test func tenthAddressIsKubeDNS() throws {
        let allocator = ClusterIPAllocator(range: try IPv4Range(cidr: "127.96.0.0/16"))
        #expect(allocator.address(number: 10) == "127.96.0.10")
    }

    @Test func dynamicAllocationAvoidsTheStaticBandUntilFull() throws {
        let allocator = ClusterIPAllocator(range: try IPv4Range(cidr: "10.0.0.0/24"))  // 254 usable, static band 16
        var seen = Set<String>()
        for _ in 0..<(254 - 16) {
            let ip = try allocator.allocateNext()
            #expect(seen.insert(ip).inserted)
            let last = Int(ip.split(separator: ".").last!)!
            #expect(last > 16, "dynamic allocation took \(ip) from the static band while the rest had room")
        }
        // The upper band is full: the static band is used next, and then the range is full.
        for _ in 0..<16 { #expect(seen.insert(try allocator.allocateNext()).inserted) }
        #expect(throws: AllocationError.self) { try allocator.allocateNext() }
        allocator.release("10.0.0.200")
        #expect(try allocator.allocateNext() == "10.0.0.200")
    }

    @Test func requestedIPsAreExclusive() throws {
        let allocator = ClusterIPAllocator(range: try IPv4Range(cidr: "127.96.0.0/16"))
        try allocator.allocate("127.96.0.10")
        #expect(throws: AllocationError.alreadyAllocated("provided IP is already allocated")) { try allocator.allocate("127.96.0.10") }
        #expect(throws: AllocationError.self) { try allocator.allocate("10.0.0.1") }
        allocator.release("127.96.0.10")
        try allocator.allocate("127.96.0.10")
        #expect(allocator.used == 1)
    }
}

@Suite struct PortAllocatorTests {
    @Test func allocatesEveryPortOnceThenFails() throws {
        let allocator = PortAllocator(range: 30000...30009)
        var ports = Set<Int>()
        for _ in 0..<10 { ports.insert(try allocator.allocateNext()) }
        #expect(ports == Set(30000...30009))
        #expect(throws: AllocationError.self) { try allocator.allocateNext() }
        allocator.release(30005)
        #expect(try allocator.allocateNext() == 30005)
    }

    @Test(arguments: [("30000-32767", true), ("1-65535", true), ("32767-30000", false), ("0-10", false), ("abc", false)])
    func parsesRanges(text: String, valid: Bool) {
        #expect(((try? PortAllocator.parse(text)) != nil) == valid)
    }
}
