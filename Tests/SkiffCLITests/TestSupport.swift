import Foundation
import SkiffAPI
import SkiffCLI
import SkiffMessaging
import Synchronization

/// A fixed "now" for ages: 2027-01-15T08:00:00Z.
let fixedNow = Date(timeIntervalSince1970: 1_800_000_000)

/// A timestamp `seconds` before `fixedNow`.
func ago(_ seconds: TimeInterval) -> Timestamp { Timestamp(fixedNow.addingTimeInterval(-seconds)) }

let utc = TimeZone(identifier: "UTC")!

/// An apiserver stand-in: answers each request from `handler` and records what was sent.
final class FakeAPI: RequestSending {
    typealias Handler = @Sendable (Request) -> Result<Data, APIError>

    let server = "ipc:///fake/api.sock"
    private let handler: Handler
    private let log = Mutex<[Request]>([])

    init(_ handler: @escaping Handler) { self.handler = handler }

    func raw(_ request: Request) async throws(APIError) -> Data {
        log.withLock { $0.append(request) }
        return try handler(request).get()
    }

    var requests: [Request] { log.withLock { $0 } }
}

/// A context on a fake API, a buffer console and the fixed clock.
func makeContext(_ api: FakeAPI, namespace: String = "default", explicit: Bool = false, stdin: String = "") -> (CLIContext, BufferConsole) {
    let console = BufferConsole()
    let context = CLIContext(
        client: api, console: console, namespace: namespace, namespaceExplicit: explicit, now: { fixedNow }, timeZone: utc,
        readStandardInput: { Data(stdin.utf8) })
    return (context, console)
}

/// The server's JSON for an object, as the apiserver encodes it.
func json<T: APIObject>(_ object: T) -> Data {
    var object = object
    object.setTypeMeta()
    return try! JSONEncoder().encode(object)
}

/// A list reply with `items`.
func listJSON<T: APIObject>(_ items: [T], kind: String) -> Data {
    let body = items.map { String(decoding: json($0), as: UTF8.self) }.joined(separator: ",")
    return Data(#"{"kind":"\#(kind)","apiVersion":"v1","metadata":{"resourceVersion":"7"},"items":[\#(body)]}"#.utf8)
}

/// A Status error reply as the apiserver sends it.
func statusError(_ code: Int, _ reason: String, _ message: String, causes: [StatusCause]? = nil, kind: String? = nil, name: String? = nil) -> APIError {
    let status = Status(code: code, reason: reason, message: message, details: StatusDetails(name: name, kind: kind, causes: causes))
    return APIError(response: Response(code: code, body: try! JSONEncoder().encode(status)))
}

func notFound(_ resource: String, _ name: String) -> APIError {
    statusError(404, "NotFound", "\(resource) \"\(name)\" not found", kind: resource, name: name)
}

func meta(_ name: String, _ namespace: String? = "default", age: TimeInterval = 60, labels: [String: String]? = nil) -> ObjectMeta {
    var meta = ObjectMeta(name: name, namespace: namespace, labels: labels)
    meta.creationTimestamp = ago(age)
    return meta
}

func service(_ name: String, namespace: String = "default", age: TimeInterval = 60, type: String = "ClusterIP", clusterIP: String? = nil,
             ports: [ServicePort] = [], selector: [String: String]? = nil) -> Service {
    var spec = ServiceSpec(type: type, selector: selector, ports: ports, clusterIP: clusterIP)
    spec.clusterIPs = clusterIP.map { [$0] }
    return Service(metadata: meta(name, namespace, age: age), spec: spec)
}

func servicePort(_ port: Int, name: String? = nil, target: IntOrString? = nil, nodePort: Int? = nil, proto: String = "TCP") -> ServicePort {
    ServicePort(name: name, protocol: proto, port: port, targetPort: target, nodePort: nodePort)
}
