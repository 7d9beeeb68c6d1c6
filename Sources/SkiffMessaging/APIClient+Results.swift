import Foundation
import SkiffAPI
import SkiffJSON

/// What `apply` did with one object, in request order.
public struct ApplyResult: Sendable {
    public enum Action: String, Sendable, Codable {
        case created, configured, unchanged
    }

    public var action: Action
    /// The object as stored (or as it would be, for a dry run).
    public var object: any APIObject

    public init(action: Action, object: any APIObject) {
        self.action = action
        self.object = object
    }
}

/// The `discover` reply: what the apiserver serves and where it publishes watch events.
public struct Discovery: Codable, Sendable, Equatable {
    public struct Resource: Codable, Sendable, Equatable {
        /// The plural, as in requests: `services`.
        public var name: String
        public var kind: String
        public var apiVersion: String
        public var namespaced: Bool
        public var shortNames: [String]?

        public init(name: String, kind: String, apiVersion: String, namespaced: Bool, shortNames: [String]? = nil) {
            self.name = name
            self.kind = kind
            self.apiVersion = apiVersion
            self.namespaced = namespaced
            self.shortNames = shortNames
        }
    }

    public var watchEndpoint: String
    /// The store's revision when the reply was made.
    public var revision: String
    public var resources: [Resource]
    /// The apiserver's version, if it reports one.
    public var version: String?

    public init(watchEndpoint: String, revision: String, resources: [Resource], version: String? = nil) {
        self.watchEndpoint = watchEndpoint
        self.revision = revision
        self.resources = resources
        self.version = version
    }
}

/// JSON coding of request and reply bodies, shared by the typed calls.
enum APIBodies {
    /// A `list` reply: `{"kind":"ServiceList","metadata":{"resourceVersion":"R"},"items":[...]}`.
    struct List<T: APIObject>: Decodable {
        struct Meta: Decodable { var resourceVersion: String? }
        var metadata: Meta?
        var items: [T]?
    }

    /// An `apply` reply: `{"kind":"ApplyResult","items":[{"action":"created","object":{...}}]}`.
    struct Applied: Decodable {
        struct Item: Decodable {
            var action: ApplyResult.Action
            var object: JSONValue
        }
        var items: [Item]
    }

    /// Just enough of an object to find its type.
    struct TypeHeader: Decodable {
        var apiVersion: String?
        var kind: String?
    }

    static func encode<T: APIObject>(_ object: T) throws(APIError) -> Data {
        var object = object
        object.setTypeMeta()
        do {
            return try FastJSONEncoder.encode(object)
        } catch {
            throw APIError(code: 0, message: "cannot encode \(T.resource.kind) \(String(reflecting: object.name)): \(error)")
        }
    }

    /// `{"apiVersion":"v1","kind":"List","items":[...]}`, the body of an atomic apply.
    static func encodeList(_ objects: [any APIObject]) throws(APIError) -> Data {
        var body = Data(#"{"apiVersion":"v1","kind":"List","items":["#.utf8)
        for (index, object) in objects.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(try encode(object))
        }
        body.append(contentsOf: Array("]}".utf8))
        return body
    }

    static func decode<T: Decodable>(_ type: T.Type, _ data: Data, what: String) throws(APIError) -> T {
        do {
            return try FastJSONDecoder.decode(T.self, from: data)
        } catch {
            throw APIError(code: 0, message: "cannot decode the apiserver's reply (\(what)): \(error)")
        }
    }

    /// Decodes an object whose type is named by its own apiVersion and kind.
    static func decodeAnyObject(_ data: Data) throws(APIError) -> any APIObject {
        let header = try decode(TypeHeader.self, data, what: "object header")
        guard let type = Resources.type(apiVersion: header.apiVersion ?? "", kind: header.kind ?? "") else {
            throw APIError(code: 0, message: "the apiserver returned an object of unknown kind \(String(reflecting: header.kind ?? "")) (\(header.apiVersion ?? ""))")
        }
        return try decodeObject(type, data)
    }

    static func decodeObject<T: APIObject>(_ type: T.Type, _ data: Data) throws(APIError) -> any APIObject {
        try decode(T.self, data, what: T.resource.kind)
    }
}
