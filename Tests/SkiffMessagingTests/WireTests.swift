import Foundation
import SkiffMessaging
import Testing

@Suite struct WireTests {
    struct RequestCase: CustomTestStringConvertible, Sendable {
        var name: String
        var request: Request
        var testDescription: String { name }
    }

    static let requests: [RequestCase] = [
        RequestCase(name: "minimal discover", request: Request(verb: .discover, resource: "")),
        RequestCase(name: "get with token", request: Request(verb: .get, resource: "services", namespace: "default", name: "web", token: "s3cr3t")),
        RequestCase(name: "list with params", request: Request(verb: .list, resource: "pods", params: ["labelSelector": "app=web,tier!=db", "resourceVersion": "42"])),
        RequestCase(name: "update-status with body", request: Request(verb: .updateStatus, resource: "pods", namespace: "ns", name: "p", body: Data(#"{"status":{}}"#.utf8))),
        RequestCase(name: "escapes in strings", request: Request(verb: .create, resource: "services", namespace: "q\"uo\\te", name: "tab\tnl\ncr\r\u{1}\u{1f}", token: "ü€😀", params: ["k\"": "v\n"])),
        RequestCase(name: "binary body", request: Request(verb: .apply, resource: "", body: Data((0...255).map { UInt8($0) }))),
    ]

    @Test(arguments: requests)
    func requestRoundTrip(_ testCase: RequestCase) throws {
        let frames = Wire.encodeRequest(id: 0x0102_0304_0506_0708, testCase.request)
        #expect(frames.count == 4)
        #expect(frames[0] == Data("SKIFF/1".utf8))
        #expect(frames[1] == Data([1, 2, 3, 4, 5, 6, 7, 8]), "the id is 8 bytes, big-endian")
        let decoded = try Wire.decodeRequest(frames)
        #expect(decoded.id == 0x0102_0304_0506_0708)
        #expect(decoded.request == testCase.request)
    }

    @Test func headerIsTheDocumentedJSONObject() throws {
        let request = Request(verb: .updateStatus, resource: "pods", namespace: "ns", name: "p", token: nil, params: ["dryRun": "All"])
        let header = try #require(try JSONSerialization.jsonObject(with: Wire.encodeRequest(id: 1, request)[2]) as? [String: Any])
        #expect(Set(header.keys) == ["verb", "resource", "namespace", "name", "token", "params"])
        #expect(header["verb"] as? String == "update-status")
        #expect(header["token"] is NSNull)
        #expect(header["params"] as? [String: String] == ["dryRun": "All"])
    }

    @Test func missingHeaderKeysReadAsEmpty() throws {
        let frames = [Data("SKIFF/1".utf8), Data([0, 0, 0, 0, 0, 0, 0, 9]), Data(#"{"verb":"list","extra":1}"#.utf8), Data()]
        let decoded = try Wire.decodeRequest(frames)
        #expect(decoded.request == Request(verb: .list, resource: ""))
    }

    @Test(arguments: [200, 201, 404, 503, 0, 999_999_999])
    func replyRoundTrip(code: Int) throws {
        let response = Response(code: code, body: Data("body \(code)".utf8))
        let frames = Wire.encodeReply(id: .max, response)
        #expect(frames[2] == Data(String(code).utf8), "the status code is ASCII decimal")
        let decoded = try Wire.decodeReply(frames)
        #expect(decoded.id == .max)
        #expect(decoded.response == response)
    }

    struct MalformedCase: CustomTestStringConvertible, Sendable {
        var name: String
        var frames: [Data]
        var hasID: Bool
        var message: String
        var testDescription: String { name }
    }

    static let tag = Data("SKIFF/1".utf8)
    static let id = Data([0, 0, 0, 0, 0, 0, 0, 7])
    static let header = Data(#"{"verb":"get","resource":"pods"}"#.utf8)

    static let malformedRequests: [MalformedCase] = [
        MalformedCase(name: "no frames", frames: [], hasID: false, message: "4 frames"),
        MalformedCase(name: "one frame", frames: [Data("garbage".utf8)], hasID: false, message: "4 frames"),
        MalformedCase(name: "three frames", frames: [tag, id, header], hasID: true, message: "4 frames"),
        MalformedCase(name: "five frames", frames: [tag, id, header, Data(), Data()], hasID: true, message: "4 frames"),
        MalformedCase(name: "short id", frames: [tag, Data([7]), header, Data()], hasID: false, message: "8 bytes"),
        MalformedCase(name: "other protocol", frames: [Data("SKIFF/2".utf8), id, header, Data()], hasID: true, message: "unsupported protocol"),
        MalformedCase(name: "header not JSON", frames: [tag, id, Data("{nope".utf8), Data()], hasID: true, message: "header"),
        MalformedCase(name: "header an array", frames: [tag, id, Data("[]".utf8), Data()], hasID: true, message: "header"),
        MalformedCase(name: "header without verb", frames: [tag, id, Data(#"{"resource":"pods"}"#.utf8), Data()], hasID: true, message: "header"),
        MalformedCase(name: "unknown verb", frames: [tag, id, Data(#"{"verb":"patch"}"#.utf8), Data()], hasID: true, message: "unknown verb \"patch\""),
        MalformedCase(name: "params not strings", frames: [tag, id, Data(#"{"verb":"get","params":{"a":1}}"#.utf8), Data()], hasID: true, message: "header"),
    ]

    @Test(arguments: malformedRequests)
    func malformedRequest(_ testCase: MalformedCase) {
        #expect(Wire.requestID(testCase.frames) == (testCase.hasID ? 7 : nil))
        #expect {
            _ = try Wire.decodeRequest(testCase.frames)
        } throws: { error in
            guard let error = error as? MessagingError else { return false }
            return error.code == .malformed && error.message.contains(testCase.message)
        }
    }

    static let malformedReplies: [MalformedCase] = [
        MalformedCase(name: "two frames", frames: [tag, id], hasID: true, message: "4 frames"),
        MalformedCase(name: "empty status", frames: [tag, id, Data(), Data()], hasID: true, message: "status code"),
        MalformedCase(name: "status not digits", frames: [tag, id, Data("OK".utf8), Data()], hasID: true, message: "status code"),
        MalformedCase(name: "negative status", frames: [tag, id, Data("-1".utf8), Data()], hasID: true, message: "status code"),
        MalformedCase(name: "status too long", frames: [tag, id, Data("1234567890".utf8), Data()], hasID: true, message: "status code"),
        MalformedCase(name: "9-byte id", frames: [tag, id + Data([0]), Data("200".utf8), Data()], hasID: false, message: "8 bytes"),
    ]

    @Test(arguments: malformedReplies)
    func malformedReply(_ testCase: MalformedCase) {
        #expect {
            _ = try Wire.decodeReply(testCase.frames)
        } throws: { error in
            guard let error = error as? MessagingError else { return false }
            return error.code == .malformed && error.message.contains(testCase.message)
        }
    }
}
