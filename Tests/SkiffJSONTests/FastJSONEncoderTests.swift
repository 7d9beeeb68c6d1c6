import Foundation
import SkiffAPI
@testable import SkiffJSON
import SkiffTesting
import Testing

/// `FastJSONEncoder` must write exactly the bytes `JSONEncoder` with `.sortedKeys` writes, or hand the value to it.
@Suite struct FastJSONEncoderTests {
    private static func foundation<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(value)
    }

    /// The fast path took the value (no fallback) and wrote Foundation's bytes.
    private static func expectFastAndSame<T: Encodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let fast = try #require(try FastJSONEncoder.fast(value), sourceLocation: sourceLocation)
        let expected = try foundation(value)
        #expect(String(decoding: fast, as: UTF8.self) == String(decoding: expected, as: UTF8.self), sourceLocation: sourceLocation)
        #expect(try FastJSONEncoder.encode(value) == expected, sourceLocation: sourceLocation)
    }

    private static let objects: [(String, any APIObject.Type)] = [
        (#"""
         {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default","uid":"8d1c","resourceVersion":"42",
          "creationTimestamp":"2026-11-27T04:40:00Z","labels":{"app":"web","tier":"front","z":"1","a.b/c":"d"},
          "annotations":{"note":"a \"quoted\" \\ path/x\n\t\u0001\u001f é 日本 🚀"}},
          "spec":{"type":"NodePort","selector":{"app":"web"},"clusterIP":"10.96.0.10","clusterIPs":["10.96.0.10"],
          "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080,"nodePort":30080},{"name":"dns","port":53,"targetPort":"dns"}],
          "sessionAffinity":"ClientIP","externalIPs":["192.0.2.1"],"publishNotReadyAddresses":false},"status":{"loadBalancer":{}}}
         """#, Service.self),
        (#"""
         {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"ns","generation":9223372036854775807,
          "ownerReferences":[{"apiVersion":"v1","kind":"Node","name":"n","uid":"u","controller":true}]},
          "spec":{"nodeName":"node-1","terminationGracePeriodSeconds":-9223372036854775808,"containers":[{"name":"c","image":"i",
          "command":["/bin/sh","-c","echo \"$X\""],"ports":[{"containerPort":8080,"name":"http"}],"env":[{"name":"X","value":""}],
          "readinessProbe":{"httpGet":{"path":"/healthz","port":"http"},"periodSeconds":1,"failureThreshold":3},
          "resources":{"limits":{"cpu":"100m","memory":"64Mi"},"n":[1,-2,0,{"deep":[[],{}]}],"b":true,"z":null}}],
          "tolerations":[{"key":"k","operator":"Exists"}]},
          "status":{"phase":"Running","podIP":"10.244.1.5","podIPs":[{"ip":"10.244.1.5"}],
          "conditions":[{"type":"Ready","status":"True","lastTransitionTime":"2026-11-27T04:40:00Z"}]}}
         """#, Pod.self),
        (#"""
         {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"web-abc","namespace":"default",
          "labels":{"kubernetes.io/service-name":"web"}},"addressType":"IPv4",
          "endpoints":[{"addresses":["10.244.1.5"],"conditions":{"ready":true,"serving":true,"terminating":false},"nodeName":"n1",
          "targetRef":{"kind":"Pod","name":"p","namespace":"default"}}],"ports":[{"name":"http","port":8080,"protocol":"TCP"}]}
         """#, EndpointSlice.self),
        (#"""
         {"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"kube-proxy-n1","namespace":"kube-node-lease"},
          "spec":{"holderIdentity":"n1","leaseDurationSeconds":40,"renewTime":"2026-11-27T01:10:00.123456Z"}}
         """#, Lease.self),
        (#"""
         {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"reader"},
          "rules":[{"apiGroups":[""],"resources":["services","endpoints"],"verbs":["get","list","watch"]}]}
         """#, ClusterRole.self),
    ]

    @Test func everyKindOfObjectIsWrittenAsJSONEncoderWritesIt() throws {
        for (text, type) in Self.objects {
            let object = try JSONDecoder().decode(type, from: Data(text.utf8))
            try Self.expectFastAndSame(object)
        }
    }

    @Test func stringsAreEscapedAsJSONWriterEscapesThem() throws {
        var every = ""
        for scalar in 0..<0x80 { every.unicodeScalars.append(Unicode.Scalar(UInt8(scalar))) }
        for text in [every, "", "/", "\\/", "\u{7F}", "é日本🚀\u{2028}\u{2029}\u{FEFF}", "\"quoted\"", String(repeating: "ab/", count: 300)] {
            try Self.expectFastAndSame(text)
            try Self.expectFastAndSame([text: text])
            try Self.expectFastAndSame([text])
        }
    }

    @Test func integersAtTheirLimits() throws {
        try Self.expectFastAndSame([Int.min, Int.max, 0, -1, 9, 10, 99, 100, -100])
        try Self.expectFastAndSame([Int64.min, Int64.max])
        try Self.expectFastAndSame([Int32.min, Int32.max])
        try Self.expectFastAndSame([UInt64.max, 0])
        try Self.expectFastAndSame([Int8.min: "a"] as [Int8: String])
        try Self.expectFastAndSame([UInt8.max, 0] as [UInt8])
    }

    @Test func keysSortByTheirUTF8Bytes() throws {
        // Uppercase before lowercase, "a" before "a.b" before "aa", and non-ASCII last, byte by byte.
        try Self.expectFastAndSame(["b": 1, "a": 2, "B": 3, "aa": 4, "a.b": 5, "é": 6, "z": 7, "": 8, "日": 9, "\u{1}": 10])
        // Integer keys are strings in JSON, sorted as strings.
        try Self.expectFastAndSame([10: "x", 9: "y", -1: "z", 100: "w"])
    }

    @Test func emptyAndNestedContainers() throws {
        try Self.expectFastAndSame([String: Int]())
        try Self.expectFastAndSame([Int]())
        try Self.expectFastAndSame([[[Int]]]([[], [[]], [[1, 2], []]]))
        try Self.expectFastAndSame(["a": [String: [String: Bool]](), "b": ["c": ["d": true]]])
        try Self.expectFastAndSame(Optional<Int>.none)
        try Self.expectFastAndSame([Optional<String>.none, "x"])
        try Self.expectFastAndSame(true)
        try Self.expectFastAndSame(Nested())
    }

    @Test func whatItDoesNotWriteItselfGoesToJSONEncoder() throws {
        let cases: [any Encodable] = [
            1.5, [0.1, 2.0], Float(3), Date(timeIntervalSince1970: 0), Data([1, 2, 3]), URL(string: "https://example.com/x")!,
            Decimal(string: "1.25")!, Inherited(), TwiceKeyed(), Nothing(), PathReader(), JSONValue.number(0.5),
        ]
        for value in cases {
            #expect(((try? FastJSONEncoder.fast(value)) ?? nil) == nil, "\(value)")
            let expected = try? Self.foundation(value)
            #expect((try? FastJSONEncoder.encode(value)) == expected, "\(value)")
        }
        // Too deep for JSONEncoder too: the same error, not a crash.
        var deep = JSONValue.null
        for _ in 0..<600 { deep = .array([deep]) }
        #expect(throws: (any Error).self) { try FastJSONEncoder.encode(deep) }
        #expect(throws: (any Error).self) { try Self.foundation(deep) }
    }

    @Test func errorsThrownByTheValueAreJSONEncodersErrors() throws {
        #expect(throws: EncodingError.self) { try FastJSONEncoder.encode(Failing()) }
    }

    @Test func keyedContainerAskedForTwiceFillsOneObject() throws {
        try Self.expectFastAndSame(TwoContainers())
    }

    /// Random JSON trees (strings of random bytes and scalars, integers, nesting, repeated shapes) are written as
    /// JSONEncoder writes them; fractional numbers take the fallback and must still be identical.
    @Test(arguments: 0..<16) func randomTreesAreWrittenAsJSONEncoderWritesThem(seed: UInt64) throws {
        var random = SeededGenerator(seed: 0xE1C0_DE00 + seed)
        for _ in 0..<40 {
            let tree = RandomJSON.value(&random, depth: 0)
            let expected = try Self.foundation(tree)
            #expect(try FastJSONEncoder.encode(tree) == expected)
        }
    }
}

private struct Nested: Encodable {
    var name = "n"
    var inner = Inner()
    var list = [Inner(), Inner()]
    var absent: String?
    struct Inner: Encodable {
        var value = 1
        var flags: [Bool] = [true, false]
        var map: [String: Int] = ["x": 1]
    }
}

private class Base: Encodable {
    var base = 1
}

private final class Inherited: Base {
    var extra = 2
    enum CodingKeys: String, CodingKey { case extra }
    override func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(extra, forKey: .extra)
        try super.encode(to: container.superEncoder())
    }
}

private struct TwiceKeyed: Encodable {
    enum CodingKeys: String, CodingKey { case a }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(1, forKey: .a)
        try container.encode(2, forKey: .a)
    }
}

private struct TwoContainers: Encodable {
    enum CodingKeys: String, CodingKey { case a, b }
    func encode(to encoder: any Encoder) throws {
        var first = encoder.container(keyedBy: CodingKeys.self)
        try first.encode(1, forKey: .b)
        var second = encoder.container(keyedBy: CodingKeys.self)
        try second.encode("x", forKey: .a)
    }
}

private struct Nothing: Encodable {
    func encode(to encoder: any Encoder) throws {}
}

private struct PathReader: Encodable {
    enum CodingKeys: String, CodingKey { case depth }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(encoder.codingPath.count, forKey: .depth)
    }
}

private struct Failing: Encodable {
    func encode(to encoder: any Encoder) throws {
        throw EncodingError.invalidValue(self, .init(codingPath: [], debugDescription: "refused"))
    }
}
