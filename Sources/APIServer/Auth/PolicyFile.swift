import Foundation
import Logging
import SkiffAPI
import SkiffJSON
import SkiffStore
import SkiffYAML

/// The `--authorization-policy` file: Roles, ClusterRoles, RoleBindings and ClusterRoleBindings in YAML (any
/// number of documents, or a List). At start they are applied to the store, as Kubernetes reconciles its bootstrap
/// policy: created when missing, overwritten when changed, except objects whose stored copy is annotated
/// `rbac.authorization.kubernetes.io/autoupdate: "false"` (the operator took them over). From then on they are
/// ordinary API objects: `skiffctl apply` changes them and the authorizer sees it at once.
enum PolicyFile {
    static func load(path: String) throws -> [any APIObject] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw PolicyFileError(description: "--authorization-policy \(path): \(error.localizedDescription)")
        }
        return try parse(text, name: path)
    }

    static func parse(_ text: String, name path: String) throws -> [any APIObject] {
        var loader = ManifestLoader()
        loader.defaultNamespace = "default"
        let objects: [ManifestObject]
        do { objects = try loader.load([ManifestSource(name: path, text: text)]).objects } catch {
            throw PolicyFileError(description: "--authorization-policy: \(error)")
        }
        for object in objects where !PolicyCache.resources.contains(type(of: object.object).resource.plural) {
            throw PolicyFileError(description: object.error(field: "kind", message: "the policy file may hold only Role, ClusterRole, RoleBinding and ClusterRoleBinding").description)
        }
        return objects.map(\.object)
    }

    /// Applies the policy objects (atomically) that the operator has not taken over.
    static func apply(_ objects: [any APIObject], registry: Registry, logger: Logger) async throws {
        var wanted: [any APIObject] = []
        for object in objects {
            let resource = type(of: object).resource
            let key = Registry.key(resource, namespace: object.metadata.namespace ?? "default", name: object.name)
            if let stored = try await registry.store.get(key),
               let header = try? FastJSONDecoder.decode(MetadataOnly.self, from: stored.value),
               header.metadata.annotations?[RBAC.autoupdateAnnotation] == "false" {
                logger.info("policy: keeping \(resource.kind) \(object.name) (\(RBAC.autoupdateAnnotation): false)")
                continue
            }
            wanted.append(object)
        }
        guard !wanted.isEmpty else { return }
        let outcomes = try await registry.apply(wanted, defaultNamespace: "default", dryRun: false)
        let changed = outcomes.filter { $0.action != .unchanged }.count
        logger.info("policy: \(wanted.count) RBAC objects from the policy file, \(changed) created or updated")
    }
}

private struct MetadataOnly: Decodable { var metadata: ObjectMeta }

struct PolicyFileError: Error, CustomStringConvertible {
    var description: String
}
