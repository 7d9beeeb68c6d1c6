import Foundation
import SkiffAPI

/// Other objects a description shows (a Service's Endpoints). Fetched by `DescribeCommand`.
public struct DescribeRelated: Sendable {
    public var endpoints: Endpoints?
    /// A Service's registration steps, when the server keeps history.
    public var timeline: RegistrationTimeline?

    public init(endpoints: Endpoints? = nil, timeline: RegistrationTimeline? = nil) {
        self.endpoints = endpoints
        self.timeline = timeline
    }
}

/// `skiffctl describe`'s pages, one per kind, in kubectl's layouts.
public enum Describer {
    public static func describe(_ object: any APIObject, related: DescribeRelated = DescribeRelated(), now: Date, timeZone: TimeZone) -> String {
        var writer = DescribeWriter(now: now, timeZone: timeZone)
        switch object {
        case let service as Service: ServiceDescriber.describe(service, endpoints: related.endpoints, timeline: related.timeline, writer: &writer)
        case let pod as Pod: PodDescriber.describe(pod, writer: &writer)
        case let endpoints as Endpoints: EndpointsDescriber.describe(endpoints, writer: &writer)
        case let slice as EndpointSlice: EndpointSliceDescriber.describe(slice, writer: &writer)
        case let namespace as Namespace: NamespaceDescriber.describe(namespace, writer: &writer)
        case let node as Node: NodeDescriber.describe(node, writer: &writer)
        default: writer.header(object, namespaced: type(of: object).resource.namespaced)
        }
        return writer.render()
    }
}
