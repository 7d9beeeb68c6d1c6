import ArgumentParser
import Logging
import NIOPosix
import NodeProxy

extension KubeProxyCommand {
    /// The proxier for `--mode`.
    func makeProxier(logger: Logger) throws -> any Proxier {
        switch mode {
        case .nftables:
            return NFTablesProxier(options: NFTablesOptions(masqueradeAll: masqueradeAll, clusterCIDR: clusterCIDR))
        case .ipvs:
            let options = IPVSOptions(scheduler: ipvsScheduler, nodeAddresses: nodeIP.map { [$0] } ?? [])
            if dryRun { return IPVSProxier(sink: IPVSDryRun(fileHandle: .standardOutput), options: options) }
            guard kernelHasIPVS() else {
                throw ValidationError("this kernel has no IPVS (/proc/net/ip_vs is missing): use --dry-run to print the rules ipvsadm-restore would get")
            }
            return IPVSProxier(sink: IPVSRestoreCommand(), options: options)
        case .userspace:
            return UserspaceProxier(group: MultiThreadedEventLoopGroup.singleton,
                                    options: .init(nodeAddress: nodeIP ?? "127.0.0.1"), logger: logger)
        }
    }
}

extension IPVSScheduler: ExpressibleByArgument {}
