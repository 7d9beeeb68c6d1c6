import Foundation
import SkiffAPI
@testable import SkiffMessaging
import Testing

/// The watch socket's frames (docs/WATCH.md): topics, encoding, and what a decoder refuses.
@Suite struct WatchWireTests {
    struct TopicCase: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var topic: WatchTopic?
        var testDescription: String { name }
    }

    @Test(arguments: [
        TopicCase(name: "namespaced object", text: "services/default/", topic: WatchTopic(resource: "services", namespace: "default")),
        TopicCase(name: "cluster-scoped object", text: "namespaces//", topic: WatchTopic(resource: "namespaces", namespace: "")),
        TopicCase(name: "whole kind", text: "endpoints/", topic: WatchTopic(resource: "endpoints", namespace: nil)),
        TopicCase(name: "no trailing slash", text: "services/default", topic: nil),
        TopicCase(name: "partial kind", text: "serv", topic: nil),
        TopicCase(name: "everything", text: "", topic: nil),
        TopicCase(name: "empty kind", text: "/default/", topic: nil),
        TopicCase(name: "too many parts", text: "services/default/web/", topic: nil),
    ])
    func topics(_ testCase: TopicCase) {
        #expect(WatchTopic(Data(testCase.text.utf8)) == testCase.topic)
        if let topic = testCase.topic { #expect(topic.description == testCase.text) }
    }

    @Test func kindPrefixesDoNotSelectLongerKinds() {
        let endpoints = WatchTopic(resource: "endpoints", namespace: nil).description
        #expect(!"endpointslices/default/".hasPrefix(endpoints))
        #expect("endpoints/default/".hasPrefix(endpoints))
        let namespace = WatchTopic(resource: "services", namespace: "prod").description
        #expect(!"services/production/".hasPrefix(namespace))
    }

    @Test func roundTrip() throws {
        let message = WatchMessage(
            topic: WatchTopic(resource: "services", namespace: "default"), type: .modified, revision: 1_234_567,
            previousOnKind: 1_234_560, previousOnTopic: 1_234_001, epoch: 0x0123_4567_89ab_cdef, object: Data(#"{"a":1}"#.utf8))
        let frames = WatchWire.encode(message)
        #expect(frames.map { String(decoding: $0, as: UTF8.self) }
                == ["services/default/", "MODIFIED", "1234567", "1234560", "1234001", "0123456789abcdef", #"{"a":1}"#])
        #expect(try WatchWire.decode(frames) == message)
        // Later versions may append frames.
        #expect(try WatchWire.decode(frames + [Data("extra".utf8)]) == message)
    }

    @Test(arguments: WatchEventType.allCases)
    func everyTypeRoundTrips(_ type: WatchEventType) throws {
        let message = WatchMessage(topic: WatchTopic(resource: "nodes", namespace: ""), type: type, revision: 9,
                                   previousOnKind: 8, previousOnTopic: 7, epoch: .max, object: Data())
        #expect(try WatchWire.decode(WatchWire.encode(message)) == message)
    }

    struct MalformedCase: Sendable, CustomTestStringConvertible {
        var name: String
        var frames: [String]
        var message: String
        var testDescription: String { name }
    }

    static let good = ["services/default/", "ADDED", "5", "4", "3", "00000000000000ff", "{}"]

    @Test(arguments: [
        MalformedCase(name: "too few frames", frames: Array(good.prefix(6)), message: "has 7 frames"),
        MalformedCase(name: "bad topic", frames: ["services"] + good.dropFirst(), message: "is not <plural>/<namespace>/"),
        MalformedCase(name: "unknown type", frames: [good[0], "CHANGED"] + good.dropFirst(2), message: "unknown type"),
        MalformedCase(name: "revision not a number", frames: Array(good.prefix(2)) + ["5x"] + good.dropFirst(3), message: "ASCII decimal"),
        MalformedCase(name: "empty previous", frames: Array(good.prefix(3)) + [""] + good.dropFirst(4), message: "ASCII decimal"),
        MalformedCase(name: "short epoch", frames: Array(good.prefix(5)) + ["ff"] + good.dropFirst(6), message: "16 hex digits"),
        MalformedCase(name: "upper-case epoch", frames: Array(good.prefix(5)) + ["00000000000000FF"] + good.dropFirst(6), message: "16 hex digits"),
    ])
    func malformed(_ testCase: MalformedCase) {
        #expect(throws: MessagingError.self) { try WatchWire.decode(testCase.frames.map { Data($0.utf8) }) }
        do {
            _ = try WatchWire.decode(testCase.frames.map { Data($0.utf8) })
        } catch {
            #expect(error.code == .malformed)
            #expect(error.message.contains(testCase.message), "\(error.message)")
        }
    }

    @Test func bookmarkBodyCarriesTheInterval() {
        let body = WatchWire.bookmarkBody(interval: .milliseconds(250))
        #expect(String(decoding: body, as: UTF8.self) == #"{"intervalMilliseconds":250}"#)
        #expect(WatchWire.bookmarkInterval(body) == .milliseconds(250))
        #expect(WatchWire.bookmarkInterval(Data("{}".utf8)) == nil)
    }

    @Test(arguments: [
        ("tcp://*:6444", "tcp://10.0.0.5:6443", "tcp://10.0.0.5:6444"),
        ("tcp://0.0.0.0:7000", "tcp://127.0.0.1:6443", "tcp://127.0.0.1:7000"),
        ("tcp://127.0.0.1:6444", "tcp://10.0.0.5:6443", "tcp://127.0.0.1:6444"),
        ("tcp://*:6444", "ipc:///run/api.sock", "tcp://*:6444"),
        ("ipc:///run/watch.sock", "ipc:///run/api.sock", "ipc:///run/watch.sock"),
    ])
    func wildcardWatchHostsAreReachedAtTheRequestHost(_ watch: String, _ requests: String, _ expected: String) {
        #expect(Informer<SkiffAPI.Service>.reachable(watch, via: requests) == expected)
    }
}
