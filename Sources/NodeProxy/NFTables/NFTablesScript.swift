/// The text of one `nft -f` transaction being written: one command per line, in the syntax `nft list` and
/// knftables' fake dump use (`add rule ip skiff-proxy CHAIN RULE`), counted as it grows.
struct NFTablesScript {
    /// `ip skiff-proxy`.
    let table: String
    private(set) var text = ""
    private(set) var statements = 0

    init(table: String) {
        self.table = table
    }

    /// `COMMAND TABLE NAME [REST]`, e.g. `add chain ip skiff-proxy services`.
    mutating func add(_ command: String, _ name: String, _ rest: String = "") {
        text += command
        text += " "
        text += table
        text += " "
        text += name
        if !rest.isEmpty {
            text += " "
            text += rest
        }
        text += "\n"
        statements += 1
    }

    /// `COMMAND TABLE [REST]`, for commands on the table itself.
    mutating func table(_ command: String, _ rest: String = "") {
        text += command + " " + table + (rest.isEmpty ? "" : " " + rest) + "\n"
        statements += 1
    }

    mutating func addRule(_ chain: String, _ rule: String) { add("add rule", chain, rule) }

    /// Creates the chain if missing and empties it: what follows is its whole content.
    mutating func ensureChain(_ chain: String) {
        add("add chain", chain)
        add("flush chain", chain)
    }

    /// A per-endpoint set of client addresses, each forgotten `timeout` seconds after it was last seen.
    /// `dynamic` because the packet path adds to it (and the kernel would otherwise add the flag itself, making
    /// the next `add set` look like a change, as Kubernetes notes).
    mutating func addAffinitySet(_ set: String, timeout: Int) {
        add("add set", set, "{ type ipv4_addr ; flags dynamic,timeout ; timeout \(timeout)s ; }")
    }
}
