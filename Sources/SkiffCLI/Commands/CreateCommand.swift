import Foundation
import SkiffAPI
import SkiffMessaging

/// `skiffctl create -f FILE|DIR|- [-R] [--dry-run=none|client|server] [--validate=...]`: like apply, but an
/// object that already exists is an error.
///
/// How it stays all-or-nothing where it can: first a server dry run of `apply` with all objects admits every one
/// of them in order (a namespace created earlier in the files counts) and writes nothing; an object it would
/// update rather than create already exists, and then nothing is created. Only then is each object created with
/// its own `create` request. An atomic `apply` is not used for the real writes because it would silently update
/// an object that someone else created in the meantime; a `create` fails with AlreadyExists instead. So a race
/// with another client can still leave the files half created, and every such failure is reported.
public struct CreateCommand: CLICommand {
    public var manifests: ManifestOptions
    public var dryRun: DryRun

    public init(manifests: ManifestOptions, dryRun: DryRun = .none) {
        self.manifests = manifests
        self.dryRun = dryRun
    }

    public func run(_ context: CLIContext) async throws {
        let objects = try ManifestInput.load(manifests, verb: "create", context: context)
        if dryRun == .client {
            for manifest in objects { context.console.out("\(ObjectOutput.name(manifest.object)) created\(dryRun.suffix)\n") }
            return
        }
        let planned = try await ApplyCommand.applyAll(objects, dryRun: true, context: context)
        let existing = zip(objects, planned).filter { $0.1.action != .created }
        for (manifest, _) in existing {
            let object = manifest.object
            context.console.err("Error from server (AlreadyExists): error when creating \(String(reflecting: manifest.source)): "
                + "\(type(of: object).resource) \(String(reflecting: object.name)) already exists\n")
        }
        if !existing.isEmpty { throw CLIError.reported }
        if dryRun == .server {
            for result in planned { context.console.out("\(ObjectOutput.name(result.object)) created\(dryRun.suffix)\n") }
            return
        }
        var failed = false
        for manifest in objects {
            do {
                _ = try await context.client.raw(try Self.createRequest(manifest.object))
                context.console.out("\(ObjectOutput.name(manifest.object)) created\n")
            } catch {
                // Transport failures end the command; the server's refusals are reported per object.
                guard error.isServerError else { throw error }
                failed = true
                let located = ServerErrorLocator.locate(error, in: [manifest]) ?? []
                if located.isEmpty {
                    CLI.report(error, to: context.console)
                } else {
                    for line in located { context.console.err("\(line)\n") }
                }
            }
        }
        if failed { throw CLIError.reported }
    }

    private static func createRequest<T: APIObject>(_ object: T) throws(APIError) -> Request {
        try APIClient.writeRequest(.create, object)
    }
}
