/// Renders a sync as one `nft -f` transaction: pure, from the snapshot, the changed ports, and what the table
/// holds; the applier runs the text and nothing else. (kube-proxy's `syncProxyRules` split into collect and
/// render; STYLE.md §2.)
///
/// The table is built so that its number of chains and sets does not grow with the number of Services: nft
/// (1.0.6) loads every chain and set of the ruleset before it runs any `add rule` or `add element`, which cost a
/// one-element change 0.16 s at 10,000 Services with Kubernetes' layout of a chain per Service and per
/// endpoint (60,000 chains). Here a Service port without ClientIP affinity owns map elements only:
/// `service-ips` sends `ClusterIP . proto . port` to the shared chain `pick-cluster-N` (N its endpoints), which
/// DNATs to `numgen random mod N . ip daddr . proto . port` looked up in the `service-endpoints` map, whose
/// elements `0 … N-1` under the port's key are its endpoints. NodePorts and external IPs work alike through
/// `service-nodeports` / `nodeport-endpoints` and their pick chains; hairpin traffic is masqueraded in
/// postrouting through the `hairpin` set. Ports with ClientIP affinity keep Kubernetes' per-endpoint chains
/// and sets (`rules(for:in:)`).
///
/// A full sync reconciles the table the way Kubernetes does rather than deleting it: `add table` (a no-op when
/// it exists), re-create the base chains (add, flush, delete, add: their hook or priority may have changed),
/// add+flush every fixed chain, map and set, write the pick chains and every port's chains and elements (one
/// `add element` per map: nft parses that far faster than one command per element), then flush and delete the
/// per-Service and pick chains and affinity sets the table holds but the snapshot no longer needs (found by
/// listing the table, `existing`). All of it is one transaction, so packets never see a half-written table;
/// unlike deleting the table, the affinity sets of surviving Services keep their entries.
///
/// A partial sync touches only the changed ports: the map elements that changed are deleted and re-added, pick
/// chains not yet in the table are created (unused ones stay until the next full sync), hairpin elements come
/// and go with the last port using them, and affinity ports' chains are flushed and rewritten and the chains
/// and sets they no longer need deleted. Kubernetes defers deleting a chain a map element pointed to by a second
/// (kernels before 6.2 free the reference late); here the element delete and the chain delete share the
/// transaction, which 6.x kernels accept (measured on 6.18).
public struct NFTablesRenderer: Sendable {
    public var options: NFTablesOptions

    /// Elements per `add element` command in a full sync.
    static let elementsPerCommand = 2048

    public init(options: NFTablesOptions = .init()) {
        self.options = options
    }

    /// The transaction for `update`, given what the table holds after the last successful apply.
    /// `existing` is what a listing of the table found (used by full syncs; nil: the table was not listed).
    public func render(_ update: ProxyUpdate, programmed: NFTablesState, existing: NFTablesTableContents? = nil) -> NFTablesTransaction {
        update.full
            ? renderFull(update.snapshot, existing: existing ?? NFTablesTableContents())
            : renderPartial(update.snapshot, changed: update.changed, programmed: programmed)
    }

    private func renderFull(_ snapshot: ProxySnapshot, existing: NFTablesTableContents) -> NFTablesTransaction {
        var script = NFTablesScript(table: "ip \(options.table)")
        writeBase(&script)
        var updates: [ServicePortName: NFTablesServiceRules?] = [:]
        var activeChains: Set<String> = [], activeSets: Set<String> = [], picks: Set<NFTablesPick> = [], hairpin: Set<String> = []
        let all = snapshot.sortedPorts.compactMap { port in rules(for: port, in: snapshot).map { (port, $0) } }
        for (port, rules) in all {
            updates[port] = rules
            picks.formUnion(rules.picks)
            hairpin.formUnion(rules.hairpin)
            for chain in rules.chains { script.ensureChain(chain.name); activeChains.insert(chain.name) }
            for (set, timeout) in rules.affinitySets.sorted(by: { $0.key < $1.key }) { script.addAffinitySet(set, timeout: timeout); activeSets.insert(set) }
        }
        for pick in picks.sorted() {
            script.ensureChain(pick.name)
            activeChains.insert(pick.name)
            for rule in self.rules(of: pick) { script.addRule(pick.name, rule) }
        }
        var elements: [String: [String]] = [:]
        for (_, rules) in all {
            for chain in rules.chains { for rule in chain.rules { script.addRule(chain.name, rule) } }
            for element in rules.elements { elements[element.map, default: []].append("\(element.key) : \(element.value)") }
        }
        elements[NFTablesNames.hairpin] = hairpin.sorted().map { "\($0) . \($0)" }
        for map in elements.keys.sorted() {
            for chunk in stride(from: 0, to: elements[map]!.count, by: Self.elementsPerCommand) {
                let slice = elements[map]![chunk..<min(chunk + Self.elementsPerCommand, elements[map]!.count)]
                script.add("add element", map, "{ \(slice.joined(separator: ", ")) }")
            }
        }
        let staleChains = existing.chains.filter {
            (NFTablesNames.isServiceChain($0) || NFTablesNames.isPickChain($0)) && !activeChains.contains($0)
        }.sorted()
        for chain in staleChains { script.add("flush chain", chain) }
        for chain in staleChains { script.add("delete chain", chain) }
        for set in existing.sets.filter({ NFTablesNames.isAffinitySet($0) && !activeSets.contains($0) }).sorted() {
            script.add("delete set", set)
        }
        return NFTablesTransaction(text: script.text, statements: script.statements, updates: updates, replacesAll: true)
    }

    /// Order matters inside the transaction: a chain must exist before an element or rule points to it, and
    /// nothing may point to a chain or set when it is deleted.
    private func renderPartial(_ snapshot: ProxySnapshot, changed: Set<ServicePortName>, programmed: NFTablesState) -> NFTablesTransaction {
        var script = NFTablesScript(table: "ip \(options.table)")
        var updates: [ServicePortName: NFTablesServiceRules?] = [:]
        var staleChains: [String] = [], staleSets: [String] = []
        var elementDeletes: [NFTablesElement] = [], elementAdds: [NFTablesElement] = []
        var newRules: [(String, String)] = []
        var newPicks: Set<NFTablesPick> = []
        var hairpinDelta: [String: Int] = [:]
        for port in changed.sorted() {
            let old = programmed.ports[port] ?? NFTablesServiceRules()
            let new = rules(for: port, in: snapshot)
            updates[port] = .some(new)
            let desired = new ?? NFTablesServiceRules()
            let desiredChains = Set(desired.chains.map(\.name))
            // Flush every old chain first: what is stale loses its references to chains and sets before deletion.
            for chain in old.chains where !desiredChains.contains(chain.name) {
                script.add("flush chain", chain.name)
                staleChains.append(chain.name)
            }
            for chain in desired.chains {
                script.ensureChain(chain.name)
                newRules += chain.rules.map { (chain.name, $0) }
            }
            newPicks.formUnion(desired.picks.subtracting(programmed.picks))
            for ip in old.hairpin.subtracting(desired.hairpin) { hairpinDelta[ip, default: 0] -= 1 }
            for ip in desired.hairpin.subtracting(old.hairpin) { hairpinDelta[ip, default: 0] += 1 }
            for (set, timeout) in old.affinitySets.sorted(by: { $0.key < $1.key }) where desired.affinitySets[set] != timeout {
                staleSets.append(set)
            }
            let oldElements = Dictionary(old.elements.map { ("\($0.map) \($0.key)", $0) }, uniquingKeysWith: { a, _ in a })
            let newElements = Dictionary(desired.elements.map { ("\($0.map) \($0.key)", $0) }, uniquingKeysWith: { a, _ in a })
            for (id, element) in oldElements where newElements[id] != element { elementDeletes.append(element) }
            for (id, element) in newElements where oldElements[id] != element { elementAdds.append(element) }
        }
        // A set whose timeout changed is deleted and re-created: whether `add set` with another timeout updates the
        // set or fails depends on the kernel (6.18 updates it).
        for set in staleSets { script.add("delete set", set) }
        for port in changed.sorted() {
            for (set, timeout) in (updates[port].flatMap { $0 }?.affinitySets ?? [:]).sorted(by: { $0.key < $1.key }) {
                script.addAffinitySet(set, timeout: timeout)
            }
        }
        for pick in newPicks.sorted() {
            script.add("add chain", pick.name)
            for rule in self.rules(of: pick) { script.addRule(pick.name, rule) }
        }
        for (chain, rule) in newRules { script.addRule(chain, rule) }
        for element in elementDeletes.sorted() { script.add("delete element", element.map, "{ \(element.key) }") }
        for element in elementAdds.sorted() { script.add("add element", element.map, "{ \(element.key) : \(element.value) }") }
        for (ip, delta) in hairpinDelta.sorted(by: { $0.key < $1.key }) where delta != 0 {
            let before = programmed.hairpin[ip] ?? 0
            if before > 0, before + delta == 0 { script.add("delete element", NFTablesNames.hairpin, "{ \(ip) . \(ip) }") }
            if before == 0, delta > 0 { script.add("add element", NFTablesNames.hairpin, "{ \(ip) . \(ip) }") }
        }
        for chain in staleChains { script.add("delete chain", chain) }
        return NFTablesTransaction(text: script.text, statements: script.statements, updates: updates, replacesAll: false)
    }
}
