import Foundation

/// Where rendered `ipvsadm-restore` input goes: the kernel through ipvsadm-restore, or a dry-run writer.
public protocol IPVSSink: Sendable {
    func apply(_ rules: String) async throws(DataplaneError)
}

/// Whether this kernel has IPVS: `/proc/net/ip_vs` exists once the ip_vs module is loaded (or built in).
public func kernelHasIPVS(procPath: String = "/proc/net/ip_vs") -> Bool {
    FileManager.default.fileExists(atPath: procPath)
}

/// Applies rules with `ipvsadm-restore` (stdin), optionally inside a network namespace.
public struct IPVSRestoreCommand: IPVSSink {
    public var command: [String]

    public init(ipvsadmRestore: String = "/usr/sbin/ipvsadm-restore", netns: String? = nil, ip: String = "/usr/sbin/ip") {
        command = netns.map { [ip, "netns", "exec", $0, ipvsadmRestore] } ?? [ipvsadmRestore]
    }

    public func apply(_ rules: String) async throws(DataplaneError) {
        guard !rules.isEmpty else { return }
        let result = try await DataplaneCommand.run(command, input: Data(rules.utf8))
        guard result.status == 0 else { throw DataplaneError(code: .commandFailed(status: result.status), command: command, stderr: result.stderr) }
    }
}

/// `--dry-run`: hands each sync's rules to a closure (or writes them to a file handle) instead of the kernel,
/// for machines without IPVS and for tests comparing the rules with what Kubernetes would create.
public struct IPVSDryRun: IPVSSink {
    private let write: @Sendable (String) -> Void

    public init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    /// Each sync's rules, followed by a `# sync` separator line, to `handle` (e.g. `FileHandle.standardOutput`).
    public init(fileHandle handle: FileHandle) {
        write = { try? handle.write(contentsOf: Data(($0 + "# sync\n").utf8)) }
    }

    public func apply(_ rules: String) async throws(DataplaneError) { write(rules) }
}
