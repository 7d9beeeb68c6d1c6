@testable import SkiffAPI
import Testing

@Suite struct IPAddressTests {
    static let addresses: [Row<String>] = [
        Row("IPv4", "10.96.0.10"), Row("IPv6", "2001:db8::ffff"), Row("IPv6 loopback", "::1"),
        Row("IPv4-mapped IPv6", "::ffff:10.0.0.1"), Row("loopback pod address", "127.244.1.5"),
        Row("three octets", "10.0.0", [Messages.ip]),
        Row("octet out of range", "10.0.0.256", [Messages.ip]),
        Row("zone", "fe80::1%eth0", [Messages.ip]),
        Row("leading space", " 10.0.0.1", [Messages.ip]),
        Row("host name", "example.com", [Messages.ip]),
        Row("empty", "", [Messages.ip]),
        Row("embedded NUL", "10.0.0.1\u{0}junk", [Messages.ip]),
        Row("CIDR", "10.0.0.0/8", [Messages.ip]),
    ]

    @Test(arguments: addresses)
    func validIP(_ row: Row<String>) { #expect(Validation.isValidIP(row.input) == row.errors) }

    @Test(arguments: [("10.0.0.1", "IPv4"), ("::ffff:10.0.0.1", "IPv4"), ("fd00::10", "IPv6"), ("::", "IPv6"), ("nope", nil)] as [(String, String?)])
    func family(_ address: String, _ family: String?) {
        #expect(Validation.ipFamily(of: address) == family)
        #expect(Validation.isValidIPv4Address(address).isEmpty == (family == "IPv4"))
        #expect(Validation.isValidIPv6Address(address).isEmpty == (family == "IPv6"))
    }

    static let cidrs: [Row<String>] = [
        Row("IPv4", "10.244.0.0/16"), Row("IPv6", "fd00::/64"), Row("host bits set", "10.244.1.1/24"), Row("zero length", "0.0.0.0/0"),
        Row("prefix too long", "10.0.0.0/33", ["must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"]),
        Row("IPv6 prefix too long", "fd00::/129", ["must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"]),
        Row("no prefix", "10.0.0.0", ["must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"]),
        Row("signed prefix", "10.0.0.0/+8", ["must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"]),
        Row("empty prefix", "10.0.0.0/", ["must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"]),
        Row("bad address", "10.0.0.300/8", ["must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"]),
    ]

    @Test(arguments: cidrs)
    func validCIDR(_ row: Row<String>) { #expect(Validation.isValidCIDR(row.input) == row.errors) }

    static let special: [Row<String>] = [
        Row("ordinary", "10.244.1.5"), Row("loopback is allowed in Skiff", "127.244.1.5"),
        Row("unspecified", "0.0.0.0", ["x: Invalid value: \"0.0.0.0\": may not be unspecified (0.0.0.0)"]),
        Row("IPv6 unspecified", "::", ["x: Invalid value: \"::\": may not be unspecified (::)"]),
        Row("link-local", "169.254.1.1", ["x: Invalid value: \"169.254.1.1\": may not be in the link-local range (169.254.0.0/16, fe80::/10)"]),
        Row("IPv6 link-local", "fe80::1", ["x: Invalid value: \"fe80::1\": may not be in the link-local range (169.254.0.0/16, fe80::/10)"]),
        Row("link-local multicast", "224.0.0.5", ["x: Invalid value: \"224.0.0.5\": may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"]),
        Row("not an address", "x", ["x: Invalid value: \"x\": must be a valid IP address"]),
    ]

    @Test(arguments: special)
    func nonSpecialIP(_ row: Row<String>) { #expect(IPChecks.nonSpecialIP(row.input, .root("x")).messages == row.errors) }
}
