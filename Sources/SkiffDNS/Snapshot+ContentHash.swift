extension DNSSnapshot {
    /// FNV-1a over the content, field by field: deterministic across processes (unlike `Hasher`), and cheap enough
    /// to run on every rebuild of a large zone. (It used to hash `"\(entry)"`, a reflection-built description:
    /// about 0.7 s for 10,000 Services, which made every change wait that long.)
    static func contentHash(_ entries: [ServiceKey: ServiceEntry], pods: [String: Set<IPAddr>], namespaces: Set<String>) -> UInt32 {
        var hasher = ContentHasher()
        for key in entries.keys.sorted(by: { ($0.namespace, $0.name) < ($1.namespace, $1.name) }) {
            hasher.mix(key.namespace)
            hasher.mix(key.name)
            hasher.mix(entries[key]!)
        }
        for namespace in pods.keys.sorted() {
            hasher.mix("pods " + namespace)
            for ip in pods[namespace]!.sorted(by: { $0.bytes.lexicographicallyPrecedes($1.bytes) }) { hasher.mix(ip.bytes) }
        }
        hasher.mix("namespaces")
        for namespace in namespaces.sorted() { hasher.mix(namespace) }
        return hasher.value
    }
}

/// 32-bit FNV-1a; each field ends with a separator byte so that ("ab", "c") and ("a", "bc") differ.
struct ContentHasher {
    private(set) var value: UInt32 = 2_166_136_261

    mutating func byte(_ byte: UInt8) { value = (value ^ UInt32(byte)) &* 16_777_619 }

    mutating func mix(_ bytes: [UInt8]) {
        for b in bytes { byte(b) }
        byte(0xFF)
    }

    mutating func mix(_ text: String) {
        for b in text.utf8 { byte(b) }
        byte(0x0A)
    }

    mutating func mix(_ number: UInt16) {
        byte(UInt8(number >> 8))
        byte(UInt8(number & 0xFF))
    }

    mutating func mix(_ port: DNSSnapshot.Port) {
        mix(port.name ?? "\u{0}")
        mix(port.proto)
        mix(port.port)
    }

    mutating func mix(_ entry: DNSSnapshot.ServiceEntry) {
        switch entry.kind {
        case .clusterIP(let ips):
            byte(1)
            for ip in ips { mix(ip.bytes) }
        case .headless: byte(2)
        case .externalName(let target):
            byte(3)
            mix(target.wire)
        }
        byte(UInt8(truncatingIfNeeded: entry.ports.count))
        for port in entry.ports { mix(port) }
        for endpoint in entry.endpoints {
            mix(endpoint.ip.bytes)
            mix(endpoint.label)
            byte(UInt8(truncatingIfNeeded: endpoint.ports.count))
            for port in endpoint.ports { mix(port) }
        }
        byte(0xFE)
    }
}
