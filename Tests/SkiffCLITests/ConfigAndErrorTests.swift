import Foundation
import SkiffAPI
import SkiffCLI
import SkiffMessaging
import Testing

@Suite struct ConfigResolutionTests {
    /// A directory with a config file, removed afterwards.
    static func withConfig(_ text: String?, _ body: (String) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skiffctl-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("config").path
        if let text { try text.write(toFile: path, atomically: true, encoding: .utf8) }
        try body(path)
    }

    static let file = "# written by skiff make up\nserver: ipc:///from/file.sock\ntoken: \"file-token\"\nnamespace: shop\n"

    @Test func defaultsWithoutAnything() throws {
        let config = try APIClientConfig.resolve(server: nil, token: nil, configPath: nil, environment: [:])
        #expect(config == APIClientConfig(server: "tcp://127.0.0.1:6443", token: nil, namespace: nil, timeout: .seconds(10)))
    }

    @Test func flagBeatsEnvironmentBeatsFile() throws {
        try Self.withConfig(Self.file) { path in
            let fromFile = try APIClientConfig.resolve(server: nil, token: nil, configPath: path, environment: [:])
            #expect(fromFile.server == "ipc:///from/file.sock")
            #expect(fromFile.token == "file-token")
            #expect(fromFile.namespace == "shop")

            let environment = ["SKIFF_SERVER": "tcp://10.0.0.1:6443", "SKIFF_TOKEN": "env-token"]
            let fromEnvironment = try APIClientConfig.resolve(server: nil, token: nil, configPath: path, environment: environment)
            #expect(fromEnvironment.server == "tcp://10.0.0.1:6443")
            #expect(fromEnvironment.token == "env-token")

            let fromFlags = try APIClientConfig.resolve(server: "ipc:///flag.sock", token: "flag-token", configPath: path, timeout: .seconds(3), environment: environment)
            #expect(fromFlags == APIClientConfig(server: "ipc:///flag.sock", token: "flag-token", namespace: "shop", timeout: .seconds(3)))
        }
    }

    @Test func configFileFromEnvironmentThenHome() throws {
        try Self.withConfig(Self.file) { path in
            #expect(try APIClientConfig.resolve(server: nil, token: nil, configPath: nil, environment: ["SKIFF_CONFIG": path]).server == "ipc:///from/file.sock")
            let home = URL(fileURLWithPath: path).deletingLastPathComponent()
            let skiff = home.appendingPathComponent(".skiff")
            try FileManager.default.createDirectory(at: skiff, withIntermediateDirectories: true)
            try "server: ipc:///home.sock\n".write(to: skiff.appendingPathComponent("config"), atomically: true, encoding: .utf8)
            #expect(try APIClientConfig.resolve(server: nil, token: nil, configPath: nil, environment: ["HOME": home.path]).server == "ipc:///home.sock")
            // SKIFF_CONFIG wins over HOME, even when it names a file that does not exist (as KUBECONFIG does).
            let missing = ["SKIFF_CONFIG": path + ".missing", "HOME": home.path]
            #expect(try APIClientConfig.resolve(server: nil, token: nil, configPath: nil, environment: missing).server == "tcp://127.0.0.1:6443")
        }
    }

    @Test func explicitMissingFileAndBadLinesAreErrors() throws {
        try Self.withConfig(nil) { path in
            #expect(throws: APIError.self) { try APIClientConfig.resolve(server: nil, token: nil, configPath: path, environment: [:]) }
        }
        try Self.withConfig("server ipc:///x\n") { path in
            let error = #expect(throws: APIError.self) { try APIClientConfig.resolve(server: nil, token: nil, configPath: path, environment: [:]) }
            #expect(error?.message.contains("line 1") == true)
        }
        try Self.withConfig("sever: ipc:///x\n") { path in
            let error = #expect(throws: APIError.self) { try APIClientConfig.resolve(server: nil, token: nil, configPath: path, environment: [:]) }
            #expect(error?.message.contains("unknown key \"sever\"") == true)
        }
    }

    @Test func namespaceFlagBeatsConfig() throws {
        try Self.withConfig(Self.file) { path in
            let console = BufferConsole()
            let fromConfig = try CLI.makeContext(GlobalSettings(configPath: path), console: console, environment: [:])
            #expect(fromConfig.namespace == "shop")
            #expect(!fromConfig.namespaceExplicit)
            let fromFlag = try CLI.makeContext(GlobalSettings(configPath: path, namespace: "kube-system"), console: console, environment: [:])
            #expect(fromFlag.namespace == "kube-system")
            #expect(fromFlag.namespaceExplicit)
            let plain = try CLI.makeContext(GlobalSettings(), console: console, environment: [:])
            #expect(plain.namespace == "default")
            #expect(throws: CLIError.self) { try CLI.makeContext(GlobalSettings(requestTimeout: "soon"), console: console, environment: [:]) }
        }
    }
}

@Suite struct APIErrorTests {
    @Test func notFoundFromStatusBody() {
        let error = notFound("services", "x")
        #expect(error.code == 404)
        #expect(error.isNotFound && !error.isConflict && !error.isTransport)
        #expect(error.reason == "NotFound")
        #expect(error.description == #"Error from server (NotFound): services "x" not found"#)
        #expect(CLI.message(for: error) == #"Error from server (NotFound): services "x" not found"#)
    }

    @Test func conflictAndAlreadyExists() {
        let exists = statusError(409, "AlreadyExists", #"services "ent" already exists"#)
        #expect(exists.isAlreadyExists && !exists.isConflict)
        let conflict = statusError(409, "Conflict", #"Operation cannot be fulfilled on services "ent": the object has been modified"#)
        #expect(conflict.isConflict && !conflict.isAlreadyExists)
    }

    @Test func invalidPrintsCausesAsKubectl() {
        let one = statusError(422, "Invalid", "Service \"bad\" is invalid: ...", causes: [
            StatusCause(reason: "FieldValueInvalid", message: "spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive", field: "spec.ports[0].port"),
        ], kind: "Service", name: "bad")
        #expect(one.isInvalid)
        #expect(one.causes.count == 1)
        #expect(one.description == #"The Service "bad" is invalid: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive"#)
        // Kubernetes' own causes carry the message without the field.
        let two = statusError(422, "Invalid", "...", causes: [
            StatusCause(reason: "FieldValueRequired", message: "Required value", field: "spec.ports"),
            StatusCause(reason: "FieldValueInvalid", message: "Invalid value: \"x\": bad", field: "metadata.name"),
        ], kind: "Service", name: "bad")
        #expect(two.description == "The Service \"bad\" is invalid: \n* spec.ports: Required value\n* metadata.name: Invalid value: \"x\": bad")
    }

    @Test func bodyWithoutStatus() {
        let error = APIError(response: Response(code: 500, body: Data("boom".utf8)))
        #expect(error.status == nil)
        #expect(error.description == "Error from server: boom")
        let empty = APIError(response: Response(code: 503))
        #expect(empty.message.contains("503"))
    }

    @Test func transportErrorsSayHowToStartTheServer() {
        let error = APIError(transport: MessagingError(.unreachable, "no connection to tcp://127.0.0.1:6443 within 10s"), endpoint: "tcp://127.0.0.1:6443")
        #expect(error.code == 0 && error.isTransport && error.isUnreachable)
        #expect(!error.isServerError)
        let message = CLI.message(for: error) ?? ""
        #expect(message.hasPrefix("error: the apiserver at tcp://127.0.0.1:6443 is unreachable"))
        #expect(message.contains("make up"))
        #expect(CLI.message(for: CLIError.reported) == nil)
        #expect(CLI.message(for: CLIError(.usage, "bad")) == "error: bad")
        let unauthorized = statusError(401, "Unauthorized", "invalid bearer token")
        #expect(CLI.message(for: unauthorized) == "error: You must be logged in to the server (invalid bearer token)")
    }

    @Test func applyResultsDecodeToTypedObjects() throws {
        let body = #"{"apiVersion":"v1","kind":"ApplyResult","items":[{"action":"created","object":\#(String(decoding: json(service("ent")), as: UTF8.self))},{"action":"unchanged","object":\#(String(decoding: json(Namespace(name: "shop")), as: UTF8.self))}]}"#
        let results = try APIClient.decodeApplyResults(Data(body.utf8))
        #expect(results.map(\.action) == [.created, .unchanged])
        #expect((results[0].object as? Service)?.name == "ent")
        #expect(results[1].object is Namespace)
    }
}
