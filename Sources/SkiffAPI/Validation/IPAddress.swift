import Foundation

/// An IP address parsed with `inet_pton`, for validation. An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) counts as
/// IPv4, as Go's `net.IP.To4` (which Kubernetes uses) counts it.
struct IPAddress: Sendable, Equatable {
    enum Family: String, Sendable { case ipv4 = "IPv4", ipv6 = "IPv6" }

    /// 4 bytes for IPv4 (also when written IPv4-mapped), 16 for IPv6.
    let bytes: [UInt8]

    var family: Family { bytes.count == 4 ? .ipv4 : .ipv6 }

    init?(_ text: String) {
        // A NUL would end the C string early and let "1.2.3.4\0junk" through.
        guard !text.isEmpty, !text.utf8.contains(0) else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let all = withUnsafeBytes(of: &v6) { Array($0) }
        if all[0..<10].allSatisfy({ $0 == 0 }) && all[10] == 0xFF && all[11] == 0xFF {
            bytes = Array(all[12...])
        } else {
            bytes = all
        }
    }

    var isUnspecified: Bool { bytes.allSatisfy { $0 == 0 } }

    var isLoopback: Bool {
        family == .ipv4 ? bytes[0] == 127 : bytes[0..<15].allSatisfy { $0 == 0 } && bytes[15] == 1
    }

    /// 169.254.0.0/16, fe80::/10.
    var isLinkLocalUnicast: Bool {
        family == .ipv4 ? bytes[0] == 169 && bytes[1] == 254 : bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80
    }

    /// 224.0.0.0/24, ff02::/16.
    var isLinkLocalMulticast: Bool {
        family == .ipv4 ? bytes[0] == 224 && bytes[1] == 0 && bytes[2] == 0 : bytes[0] == 0xFF && bytes[1] & 0x0F == 0x02
    }
}

/// A CIDR (`10.244.0.0/16`) as Go's `net.ParseCIDR` accepts it: an address, `/`, a decimal prefix length in range.
struct CIDR: Sendable, Equatable {
    let address: IPAddress
    let prefixLength: Int

    init?(_ text: String) {
        guard let slash = text.firstIndex(of: "/") else { return nil }
        let addressText = String(text[..<slash])
        let lengthText = text[text.index(after: slash)...]
        guard let address = IPAddress(addressText), !lengthText.isEmpty, lengthText.utf8.allSatisfy(Chars.isDigit),
              lengthText.utf8.count <= 3, let length = Int(lengthText)
        else { return nil }
        // Go measures the prefix against the written form: an IPv4-mapped address written in IPv6 form has 128 bits.
        let bits = addressText.contains(":") ? 128 : 32
        guard length <= bits else { return nil }
        self.address = address
        self.prefixLength = length
    }
}

extension Validation {
    public static let invalidIPMessage = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
    public static let invalidCIDRMessage = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"

    /// IPv4 or IPv6, as `inet_pton` parses it.
    public static func isValidIP(_ value: String) -> [String] {
        IPAddress(value) == nil ? [invalidIPMessage] : []
    }

    public static func isValidIPv4Address(_ value: String) -> [String] {
        IPAddress(value)?.family == .ipv4 ? [] : ["must be a valid IPv4 address"]
    }

    public static func isValidIPv6Address(_ value: String) -> [String] {
        IPAddress(value)?.family == .ipv6 ? [] : ["must be a valid IPv6 address"]
    }

    public static func isValidCIDR(_ value: String) -> [String] {
        CIDR(value) == nil ? [invalidCIDRMessage] : []
    }

    /// "IPv4" or "IPv6" for a valid address, nil otherwise.
    public static func ipFamily(of value: String) -> String? { IPAddress(value)?.family.rawValue }
}

/// Field-level IP checks shared by the kinds.
enum IPChecks {
    static func validIP(_ value: String, _ path: FieldPath) -> [FieldError] {
        IPAddress(value) == nil ? [.invalid(path, value, Validation.invalidIPMessage)] : []
    }

    static func validCIDR(_ value: String, _ path: FieldPath) -> [FieldError] {
        CIDR(value) == nil ? [.invalid(path, value, Validation.invalidCIDRMessage)] : []
    }

    /// Kubernetes' ValidateNonSpecialIP for endpoint and external IPs, except the loopback rule: Skiff's one-host
    /// clusters give pods addresses in 127.244.0.0/16 (the design's address plan), so loopback endpoints are legitimate.
    static func nonSpecialIP(_ value: String, _ path: FieldPath) -> [FieldError] {
        guard let ip = IPAddress(value) else { return [.invalid(path, value, "must be a valid IP address")] }
        var errors: [FieldError] = []
        if ip.isUnspecified { errors.append(.invalid(path, value, "may not be unspecified (\(value))")) }
        if ip.isLinkLocalUnicast { errors.append(.invalid(path, value, "may not be in the link-local range (169.254.0.0/16, fe80::/10)")) }
        if ip.isLinkLocalMulticast { errors.append(.invalid(path, value, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)")) }
        return errors
    }

    /// Whether a list of valid addresses holds both families (Kubernetes' IsDualStackIPStrings).
    static func isDualStack(_ families: [IPAddress.Family]) -> Bool {
        families.contains(.ipv4) && families.contains(.ipv6)
    }
}
