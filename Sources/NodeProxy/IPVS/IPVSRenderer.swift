/// Renders syncs as `ipvsadm-restore` input: one ipvsadm command per line, pure, from the snapshot and what the
/// last successful sync programmed.
///
/// Per Service port, as Kubernetes' IPVS mode creates them: a virtual server on the ClusterIP, one per external
/// IP and one per node address for a NodePort, each with the ready endpoints (EndpointSelection: cluster
/// endpoints for the ClusterIP, external ones for NodePorts and external IPs) as masqueraded real servers of
/// weight 1; ClientIP affinity becomes persistence (`-p`). A port without endpoints keeps its virtual server
/// with no real servers. A full sync starts with `-C` (clear) and writes everything; a partial sync adds new
/// virtual servers (`-A`), edits changed ones (`-E`), deletes removed ones (`-D`), and adds or deletes real
/// servers (`-a`, `-d`) of the changed ports only.
public struct IPVSRenderer: Sendable {
    public var options: IPVSOptions

    public init(options: IPVSOptions = .init()) {
        self.options = options
    }

    /// The virtual servers `port` needs, each with its real servers; empty when the port is not in the snapshot.
    public func servers(for port: ServicePortName, in snapshot: ProxySnapshot) -> [IPVSVirtualServer: [IPVSRealServer]] {
        guard let service = snapshot.services[port] else { return [:] }
        let selection = snapshot.selection(for: port)
        func reals(_ endpoints: [EndpointInfo]) -> [IPVSRealServer] { endpoints.map { IPVSRealServer(address: $0.ip, port: $0.port) } }
        func virtual(_ address: String, _ number: Int) -> IPVSVirtualServer {
            IPVSVirtualServer(protocol: port.protocol, address: address, port: number, scheduler: options.scheduler,
                              persistence: service.sessionAffinity.timeoutSeconds)
        }
        var result: [IPVSVirtualServer: [IPVSRealServer]] = [:]
        for ip in service.clusterIPs { result[virtual(ip, service.port)] = reals(selection.cluster.filter { $0.ip.contains(":") == ip.contains(":") }) }
        for ip in service.externalIPs { result[virtual(ip, service.port)] = reals(selection.external.filter { $0.ip.contains(":") == ip.contains(":") }) }
        if let nodePort = service.nodePort {
            for ip in options.nodeAddresses { result[virtual(ip, nodePort)] = reals(selection.external.filter { $0.ip.contains(":") == ip.contains(":") }) }
        }
        return result
    }

    public func render(_ update: ProxyUpdate, programmed: [ServicePortName: [IPVSVirtualServer: [IPVSRealServer]]]) -> IPVSTransaction {
        var lines: [String] = []
        var updates: [ServicePortName: [IPVSVirtualServer: [IPVSRealServer]]?] = [:]
        if update.full {
            lines.append("-C")
            for port in update.snapshot.sortedPorts {
                let servers = self.servers(for: port, in: update.snapshot)
                updates[port] = servers
                for (virtual, reals) in servers.sorted(by: { $0.key < $1.key }) {
                    lines.append(add(virtual))
                    lines += reals.map { add($0, to: virtual) }
                }
            }
            return IPVSTransaction(text: lines.joined(separator: "\n") + "\n", lines: lines.count, updates: updates, replacesAll: true)
        }
        for port in update.changed.sorted() {
            let old = programmed[port] ?? [:]
            let new = servers(for: port, in: update.snapshot)
            updates[port] = new.isEmpty ? .some(nil) : new
            let oldByKey = Dictionary(old.keys.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            let newKeys = Set(new.keys.map(\.key))
            for virtual in old.keys.sorted() where !newKeys.contains(virtual.key) { lines.append("-D \(virtual.serviceArgument)") }
            for (virtual, reals) in new.sorted(by: { $0.key < $1.key }) {
                guard let previous = oldByKey[virtual.key] else {
                    lines.append(add(virtual))
                    lines += reals.map { add($0, to: virtual) }
                    continue
                }
                if previous != virtual { lines.append(add(virtual, verb: "-E")) }
                let before = Set(old[previous] ?? []), after = Set(reals)
                for real in before.subtracting(after).sorted() { lines.append("-d \(virtual.serviceArgument) -r \(hostPort(real.address, real.port))") }
                for real in after.subtracting(before).sorted() { lines.append(add(real, to: virtual)) }
            }
        }
        return IPVSTransaction(text: lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n", lines: lines.count, updates: updates, replacesAll: false)
    }

    private func add(_ virtual: IPVSVirtualServer, verb: String = "-A") -> String {
        "\(verb) \(virtual.serviceArgument) -s \(virtual.scheduler.rawValue)" + (virtual.persistence.map { " -p \($0)" } ?? "")
    }

    private func add(_ real: IPVSRealServer, to virtual: IPVSVirtualServer) -> String {
        "-a \(virtual.serviceArgument) -r \(hostPort(real.address, real.port)) -m -w \(real.weight)"
    }
}

/// One rendered `ipvsadm-restore` input and what the kernel holds once it is applied.
public struct IPVSTransaction: Sendable {
    public var text: String
    /// ipvsadm commands in `text` (the sync report's "rules written").
    public var lines: Int
    /// Per changed port, its virtual servers after the apply (nil: none, the port was removed).
    public var updates: [ServicePortName: [IPVSVirtualServer: [IPVSRealServer]]?]
    /// True when `updates` replaces the whole programmed state (a full sync).
    public var replacesAll: Bool
}
