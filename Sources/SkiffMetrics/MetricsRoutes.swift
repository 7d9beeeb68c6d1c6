import NIOHTTP1
import Prometheus

/// What the metrics endpoint answers, as a pure function of the request line: `GET /metrics` (Prometheus text
/// format 0.0.4), `GET /programmed` (`ProgrammedRevisions` JSON), 405 for other methods on those, 404 otherwise.
public struct MetricsRoutes: Sendable {
    public struct Response: Equatable, Sendable {
        public var status: HTTPResponseStatus
        public var contentType: String
        public var body: [UInt8]
    }

    public let registry: PrometheusCollectorRegistry
    public let programmed: ProgrammedRevisions?

    public init(registry: PrometheusCollectorRegistry, programmed: ProgrammedRevisions?) {
        self.registry = registry
        self.programmed = programmed
    }

    public func respond(method: HTTPMethod, uri: String) -> Response {
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? uri
        let body: () -> Response
        switch path {
        case "/metrics":
            body = { Response(status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: registry.emitToBuffer()) }
        case "/programmed" where programmed != nil:
            body = { Response(status: .ok, contentType: "application/json", body: programmed!.json()) }
        default:
            return Response(status: .notFound, contentType: "text/plain", body: Array("not found\n".utf8))
        }
        guard method == .GET || method == .HEAD else {
            return Response(status: .methodNotAllowed, contentType: "text/plain", body: Array("only GET\n".utf8))
        }
        return body()
    }
}
