import Foundation

/// Where nftables transactions go: the `nft` command, or a recorder in tests (knftables' `Interface`/`Fake`).
public protocol NFTablesBackend: Sendable {
    /// Applies one transaction atomically (`nft -f -`): all of it or nothing.
    func run(_ transaction: String) async throws(DataplaneError)
    /// The chains and sets in `table` (family ip); empty when the table does not exist.
    func list(table: String) async throws(DataplaneError) -> NFTablesTableContents
}

/// The real backend: runs `/usr/sbin/nft`, optionally inside a network namespace (`ip netns exec NAME nft`).
public struct NFTCommand: NFTablesBackend {
    /// The argv before nft's own arguments, e.g. `["/usr/sbin/nft"]` or `["/usr/sbin/ip", "netns", "exec", "ns1", "/usr/sbin/nft"]`.
    public var command: [String]

    public init(nft: String = "/usr/sbin/nft", netns: String? = nil, ip: String = "/usr/sbin/ip") {
        command = netns.map { [ip, "netns", "exec", $0, nft] } ?? [nft]
    }

    public init(command: [String]) {
        self.command = command
    }

    public func run(_ transaction: String) async throws(DataplaneError) {
        let argv = command + ["-f", "-"]
        let result = try await DataplaneCommand.run(argv, input: Data(transaction.utf8))
        guard result.status == 0 else {
            throw DataplaneError(code: .commandFailed(status: result.status), command: argv, stderr: result.stderr)
        }
    }

    public func list(table: String) async throws(DataplaneError) -> NFTablesTableContents {
        var contents = NFTablesTableContents()
        // Whole-family listings (`list chains ip`) do not fail when the table is missing, and `-t` leaves out
        // set elements; both are far smaller than `list table`, which prints every rule.
        for (what, key) in [(["list", "chains", "ip"], "chain"), (["-t", "list", "sets", "ip"], "set")] {
            let argv = command + ["-j"] + what
            let result = try await DataplaneCommand.run(argv, input: Data())
            guard result.status == 0 else {
                throw DataplaneError(code: .commandFailed(status: result.status), command: argv, stderr: result.stderr)
            }
            guard let names = Self.names(of: key, in: table, json: result.stdout) else {
                throw DataplaneError(code: .badOutput, command: argv, stderr: String(decoding: result.stdout.prefix(200), as: UTF8.self))
            }
            if key == "chain" { contents.chains = names } else { contents.sets = names }
        }
        return contents
    }

    /// Names of `key` objects ("chain", "set") of `table` in nft's JSON: `{"nftables": [{"chain": {"table": …, "name": …}}, …]}`.
    static func names(of key: String, in table: String, json: Data) -> Set<String>? {
        guard let root = try? JSONSerialization.jsonObject(with: json) as? [String: Any],
              let items = root["nftables"] as? [[String: Any]] else { return nil }
        var names: Set<String> = []
        for item in items {
            guard let object = item[key] as? [String: Any], object["table"] as? String == table,
                  object["family"] as? String == "ip", let name = object["name"] as? String else { continue }
            names.insert(name)
        }
        return names
    }
}
