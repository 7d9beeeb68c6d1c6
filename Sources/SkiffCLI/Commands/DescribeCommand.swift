import Foundation
import SkiffAPI
import SkiffMessaging

/// `skiffctl describe KIND [NAME...] [-n NS | -A] [-l SELECTOR]`: one page per object, in kubectl's layout.
/// As in kubectl, a NAME that matches no object exactly describes the objects whose names start with it.
public struct DescribeCommand: CLICommand {
    public var arguments: [String]
    public var allNamespaces = false
    public var selector: String?

    public init(arguments: [String], allNamespaces: Bool = false, selector: String? = nil) {
        self.arguments = arguments
        self.allNamespaces = allNamespaces
        self.selector = selector
    }

    public func run(_ context: CLIContext) async throws {
        let selections = try ResourceArguments.parse(arguments, verb: "describe")
        let fetcher = Fetcher(client: context.client)
        var pages: [String] = []
        var failures: [any Error] = []
        var found = false
        for selection in selections {
            var objects: [FetchedObject] = []
            if selection.names.isEmpty {
                objects = try await fetcher.list(selection.type, namespace: allNamespaces ? nil : context.namespace, selector: selector)
            }
            for name in selection.names {
                do {
                    objects += try await lookUp(selection.type, name: name, fetcher: fetcher, context: context)
                } catch {
                    failures.append(error)
                }
            }
            found = found || !objects.isEmpty
            for fetched in objects {
                let related = try await self.related(of: fetched.object, fetcher: fetcher)
                pages.append(Describer.describe(fetched.object, related: related, now: context.now(), timeZone: context.timeZone))
            }
        }
        // kubectl separates pages with two empty lines.
        context.console.out(pages.joined(separator: "\n\n"))
        if !found && failures.isEmpty && selections.allSatisfy({ $0.names.isEmpty }) {
            context.console.err(NoResources.message(
                namespace: context.namespace, allNamespaces: allNamespaces, namespaced: selections.allSatisfy { $0.resource.namespaced }))
        }
        for failure in failures { CLI.report(failure, to: context.console) }
        if !failures.isEmpty { throw CLIError.reported }
    }

    /// The object named `name`, or else those whose names start with it; the NotFound error if there are none.
    private func lookUp(_ type: any APIObject.Type, name: String, fetcher: Fetcher, context: CLIContext) async throws -> [FetchedObject] {
        do {
            return [try await fetcher.get(type, namespace: context.namespace, name: name)]
        } catch let error as APIError where error.isNotFound {
            let matches = try await fetcher.list(type, namespace: context.namespace, selector: nil).filter { $0.object.name.hasPrefix(name) }
            if matches.isEmpty { throw error }
            return matches
        }
    }

    /// A Service's page lists the addresses of its Endpoints object (same name), when there is one, and its
    /// registration timeline.
    private func related(of object: any APIObject, fetcher: Fetcher) async throws -> DescribeRelated {
        guard let service = object as? Service else { return DescribeRelated() }
        var related = DescribeRelated()
        do {
            let fetched = try await fetcher.get(Endpoints.self, namespace: service.namespace, name: service.name)
            related.endpoints = fetched.object as? Endpoints
        } catch let error as APIError where error.isNotFound {}
        related.timeline = try await RegistrationFetcher(fetcher: fetcher).timeline(of: service)
        return related
    }
}
