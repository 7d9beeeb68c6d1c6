import Foundation
import SkiffAPI
import SkiffMessaging

/// `skiffctl apply -f FILE|DIR|- [-R] [--dry-run=none|client|server] [--validate=strict|warn|ignore]
/// [--subresource status]`.
///
/// Every object of every file goes in one `apply` request with a List body, which the apiserver commits
/// atomically: one invalid object and nothing is applied, even when only the server can tell (an address in use,
/// a missing namespace). Errors are printed at the file, document and line of the field they concern.
public struct ApplyCommand: CLICommand {
    public var manifests: ManifestOptions
    public var dryRun: DryRun
    /// "status": write only the status of existing objects (update-status), e.g. to set a Pod's IP and readiness.
    public var subresource: String?
    /// Wait until the applied Services are served by DNS and programmed on every Ready node; nil: do not wait.
    public var waitTimeout: Duration?

    public init(manifests: ManifestOptions, dryRun: DryRun = .none, subresource: String? = nil, waitTimeout: Duration? = nil) {
        self.manifests = manifests
        self.dryRun = dryRun
        self.subresource = subresource
        self.waitTimeout = waitTimeout
    }

    public func run(_ context: CLIContext) async throws {
        if let subresource, subresource != "status" {
            throw CLIError(.usage, "invalid --subresource \(String(reflecting: subresource)): Skiff serves the status subresource only")
        }
        if subresource != nil && dryRun == .client {
            throw CLIError(.usage, "--dry-run=client cannot be used with --subresource; use --dry-run=server")
        }
        let objects = try ManifestInput.load(manifests, verb: "apply", context: context, checkFields: subresource == nil)
        if subresource != nil {
            try await applyStatus(objects, context: context)
        } else if dryRun == .client {
            try await clientDryRun(objects, context: context)
        } else {
            let results = try await Self.applyAll(objects, dryRun: dryRun == .server, context: context)
            for result in results {
                context.console.out("\(ObjectOutput.name(result.object)) \(result.action.rawValue)\(dryRun.suffix)\n")
            }
            if let waitTimeout, dryRun == .none, results.contains(where: { $0.object is Service }) {
                // The Services' own revisions: DNS and proxies act on Services (and their slices), not on Pods.
                let revision = results.compactMap { ($0.object as? Service)?.metadata.resourceVersion.flatMap { Int64($0) } }.max() ?? 0
                let waited = try await ApplyWaiter(client: context.client, revision: revision, timeout: waitTimeout).wait()
                let ms = Double(waited.components.seconds) * 1000 + Double(waited.components.attoseconds) / 1e15
                context.console.out(String(format: "served: in DNS and on every Ready node's proxy at revision %lld (waited %.0f ms)\n", revision, ms))
            }
        }
    }

    /// Sends one atomic apply; a refusal about particular objects is printed at their place in the manifests.
    static func applyAll(_ objects: [ManifestObject], dryRun: Bool, context: CLIContext) async throws -> [ApplyResult] {
        let request = try APIClient.applyRequest(objects.map(\.object), namespace: context.namespace, dryRun: dryRun)
        do {
            return try APIClient.decodeApplyResults(try await context.client.raw(request))
        } catch {
            if let located = ServerErrorLocator.locate(error, in: objects) {
                for line in located { context.console.err("\(line)\n") }
                throw CLIError.reported
            }
            throw error
        }
    }

    /// kubectl's client dry run: nothing is sent but reads; an object that exists would be configured.
    private func clientDryRun(_ objects: [ManifestObject], context: CLIContext) async throws {
        let fetcher = Fetcher(client: context.client)
        for manifest in objects {
            let object = manifest.object
            var action = "configured"
            do {
                _ = try await fetcher.get(type(of: object), namespace: object.namespace, name: object.name)
            } catch let error as APIError where error.isNotFound {
                action = "created"
            }
            context.console.out("\(ObjectOutput.name(object)) \(action)\(dryRun.suffix)\n")
        }
    }

    /// Writes each object's status (update-status); the objects must exist. An object whose status already equals
    /// the manifest's is left alone and reported `unchanged`.
    private func applyStatus(_ objects: [ManifestObject], context: CLIContext) async throws {
        var failures: [any Error] = []
        for manifest in objects {
            do {
                let action = try await Self.writeStatus(manifest.object, dryRun: dryRun == .server, context: context)
                context.console.out("\(ObjectOutput.name(manifest.object)) \(action)\(dryRun.suffix)\n")
            } catch let error as APIError where error.isServerError {
                if let located = ServerErrorLocator.locate(error, in: [manifest]) {
                    failures.append(CLIError(.manifest, located.map(\.description).joined(separator: "\n")))
                } else {
                    failures.append(error)
                }
            }
        }
        for failure in failures {
            if let error = failure as? CLIError { context.console.err(error.message + "\n") } else { CLI.report(failure, to: context.console) }
        }
        if !failures.isEmpty { throw CLIError.reported }
    }

    private static func writeStatus<T: APIObject>(_ object: T, dryRun: Bool, context: CLIContext) async throws -> String {
        let current = try await Fetcher(client: context.client).get(T.self, namespace: object.namespace, name: object.name).object
        if var merged = current as? T {
            let unchangedCopy = merged
            merged.copyStatus(from: object)
            if merged == unchangedCopy { return "unchanged" }
        }
        _ = try await context.client.raw(try APIClient.writeRequest(.updateStatus, object, dryRun: dryRun))
        return "configured"
    }
}
