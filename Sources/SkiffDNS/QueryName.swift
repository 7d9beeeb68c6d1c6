/// What a query name asks for, decided from the name alone (CoreDNS's `parseRequest`), with no snapshot access.
/// All strings are lowercased. Shapes below the zone (`<zone>` = cluster.local):
///
///     <zone>                                        .apex
///     dns-version.<zone>                            .dnsVersion
///     ns.dns.<zone>                                 .nameserver
///     svc.<zone>, pod.<zone>                        .kindRoot
///     <ns>.svc.<zone>, <ns>.pod.<zone>              .namespaceOnly
///     <svc>.<ns>.svc.<zone>                         .service
///     <host>.<svc>.<ns>.svc.<zone>                  .endpoint   (host: endpoint hostname or dashed IP)
///     _<port>._<proto>.<svc>.<ns>.svc.<zone>        .srv        (either label may lack the underscore, as CoreDNS)
///     <a-b-c-d>.<ns>.pod.<zone>                     .pod        (the dashed label, checked by the record builder)
///     d.c.b.a.in-addr.arpa, <32 nibbles>.ip6.arpa   .reverse
///     fewer labels under in-addr.arpa / ip6.arpa    .reverseNonTerminal
///     anything else under the zone                  .invalid    (NXDOMAIN, as CoreDNS's errInvalidRequest)
///     anything else                                 .outOfZone
public enum QueryName: Equatable, Sendable {
    public enum Kind: Sendable { case service, pod }

    case apex
    case dnsVersion
    case nameserver
    case kindRoot(Kind)
    case namespaceOnly(namespace: String, kind: Kind)
    case service(name: String, namespace: String)
    case endpoint(hostname: String, service: String, namespace: String)
    case srv(port: String, proto: String, service: String, namespace: String)
    case pod(ip: String, namespace: String)
    case reverse(IPAddr)
    case reverseNonTerminal
    case outOfZone
    case invalid

    public static func parse(_ name: DNSName, config: DNSConfig) -> QueryName {
        let lower = name.lowercased()
        if config.answersReverse {
            if let reverse = parseReverse(lower) { return reverse }
        }
        guard let relative = labelsBelow(lower, zone: config.zone) else { return .outOfZone }
        let labels = relative.map { String(decoding: $0, as: UTF8.self) }
        if lower == config.dnsVersion { return .dnsVersion }
        if lower == config.nameserver { return .nameserver }
        guard let last = labels.last else { return .apex }
        let kind: Kind
        switch last {
        case "svc": kind = .service
        case "pod": kind = .pod
        default: return .invalid
        }
        switch (labels.count, kind) {
        case (1, _): return .kindRoot(kind)
        case (2, _): return .namespaceOnly(namespace: labels[0], kind: kind)
        case (3, .pod): return .pod(ip: labels[0], namespace: labels[1])
        case (3, .service): return .service(name: labels[0], namespace: labels[1])
        case (4, .service): return .endpoint(hostname: labels[0], service: labels[1], namespace: labels[2])
        case (5, .service):
            return .srv(port: stripUnderscore(labels[0]), proto: stripUnderscore(labels[1]), service: labels[2], namespace: labels[3])
        default: return .invalid
        }
    }

    static func stripUnderscore(_ label: String) -> String {
        label.hasPrefix("_") ? String(label.dropFirst()) : label
    }

    /// The labels of `name` in front of `zone`, or nil when `name` is not at or below `zone`. Both are lowercase.
    static func labelsBelow(_ name: DNSName, zone: DNSName) -> [ArraySlice<UInt8>]? {
        guard name.wire.count >= zone.wire.count, name.wire.suffix(zone.wire.count).elementsEqual(zone.wire) else { return nil }
        // The suffix must start on a label boundary.
        var index = 0
        var labels: [ArraySlice<UInt8>] = []
        let boundary = name.wire.count - zone.wire.count
        while index < boundary {
            let length = Int(name.wire[index])
            labels.append(name.wire[(index + 1)..<(index + 1 + length)])
            index += length + 1
        }
        return index == boundary ? labels : nil
    }

    static func parseReverse(_ name: DNSName) -> QueryName? {
        if let labels = labelsBelow(name, zone: DNSConfig.reverseV4) {
            if labels.count < 4 { return labels.allSatisfy { IPAddr.decimal($0, max: 255) != nil } ? .reverseNonTerminal : .invalid }
            guard labels.count == 4 else { return .invalid }
            var bytes: [UInt8] = []
            for label in labels.reversed() {
                guard let value = IPAddr.decimal(label, max: 255), label.count == 1 || label.first != UInt8(ascii: "0") else {
                    return .invalid
                }
                bytes.append(UInt8(value))
            }
            return IPAddr(bytes: bytes).map { .reverse($0) } ?? .invalid
        }
        if let labels = labelsBelow(name, zone: DNSConfig.reverseV6) {
            guard labels.allSatisfy({ $0.count == 1 && IPAddr.hexValue($0.first!) != nil }) else { return .invalid }
            if labels.count < 32 { return .reverseNonTerminal }
            guard labels.count == 32 else { return .invalid }
            let nibbles = labels.reversed().map { UInt8(IPAddr.hexValue($0.first!)!) }
            let bytes = stride(from: 0, to: 32, by: 2).map { nibbles[$0] << 4 | nibbles[$0 + 1] }
            return IPAddr(bytes: bytes).map { .reverse($0) } ?? .invalid
        }
        return nil
    }
}
