import Foundation
import SkiffAPI
@testable import SkiffJSON
import SkiffTesting
import Testing

/// `FastJSONDecoder` must give exactly what `JSONDecoder` gives: the same value, or a failure where it fails.
@Suite struct FastJSONDecoderTests {
    private static let service = #"""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default","uid":"8d1c","resourceVersion":"42",
         "creationTimestamp":"2026-11-27T04:40:00Z","labels":{"app":"web","tier":"front"},"annotations":{"note":"a \"quoted\" \\ path\/x\n"}},
         "spec":{"type":"ClusterIP","selector":{"app":"web"},"clusterIP":"10.96.0.10","clusterIPs":["10.96.0.10"],
         "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080},{"name":"dns","port":53,"targetPort":"dns"}],
         "sessionAffinity":"None","publishNotReadyAddresses":false},"status":{"loadBalancer":{}}}
        """#

    @Test func aServiceDecodesOnTheFastPathAsJSONDecoderDecodesIt() throws {
        let data = Data(Self.service.utf8)
        let fast = try #require(try FastJSONDecoder.fast(Service.self, data))
        #expect(fast == (try JSONDecoder().decode(Service.self, from: data)))
        #expect(fast.spec?.ports?[1].targetPort == .string("dns"))
        #expect(fast.metadata.annotations?["note"] == "a \"quoted\" \\ path/x\n")
    }

    struct Sample: Codable, Equatable {
        var int: Int?
        var small: Int8?
        var unsigned: UInt?
        var double: Double?
        var bool: Bool?
        var text: String?
        var list: [Int?]?
        var nested: [String: [String]]?
        var any: JSONValue?
        var labels: [String: String]?
    }

    /// Each document: decoded by `FastJSONDecoder.decode` and by `JSONDecoder`, results compared.
    @Test(arguments: [
        #"{}"#, #" { "int" : -12 , "double" : 1.5e3 , "bool" : true } "#, #"{"int":1.0}"#, #"{"int":1e2}"#,
        #"{"int":99999999999999999999}"#, #"{"small":300}"#, #"{"unsigned":-1}"#, #"{"unsigned":-0}"#,
        #"{"text":"\u00e9\ud83d\ude00"}"#, #"{"text":"é ü"}"#, #"{"text":12}"#, #"{"int":"12"}"#, #"{"bool":1}"#,
        #"{"int":null,"text":null}"#, #"{"list":[1,null,3]}"#, #"{"list":[1,"x"]}"#, #"{"nested":{"a":["b"],"c":[]}}"#,
        #"{"int":1,"int":2}"#, #"{"te\u0078t":"escaped key"}"#, #"{"any":{"a":[1,true,null,"s",{"b":2.5}]}}"#,
        #"{"int":01}"#, #"{"int":1,}"#, #"[1]"#, #"{"int":1} x"#, #"{"int":-}"#, #"{"text":"unterminated}"#,
        #"{"double":-0.0,"int":-0}"#, #"{"unknown":"\x"}"#, #"{"unknown":"\u12G4"}"#, #"{"unknown":"\u00e9","int":3}"#, #"{"text":"tab\tinside"}"#, "{\"text\":\"raw\ttab\"}",
        #"{"labels":{"app":"web","kubernetes.io\/service-name":"web","a\"b":"c\\d"}}"#, #"{"labels":{}}"#,
        #"{"labels":{"a":"1","a":"2"}}"#, #"{"labels":{"a\/b":"1","a/b":"2"}}"#, #"{"labels":{"a":1}}"#,
        #"{"labels":{"a":null}}"#, #"{"labels":[]}"#, #"{"labels":{"\u0061":"x"}}"#, #"{"nested":{"a\/b":["c\/d"]}}"#,
    ])
    func decodesLikeJSONDecoder(_ json: String) {
        let data = Data(json.utf8)
        let expected = try? JSONDecoder().decode(Sample.self, from: data)
        let got = try? FastJSONDecoder.decode(Sample.self, from: data)
        #expect(got == expected, "\(json)")
    }

    /// JSONEncoder writes "/" as "\/", so label keys such as "kubernetes.io/service-name" arrive escaped: they must
    /// not push every EndpointSlice (or the default Namespace) onto the slow path.
    @Test func escapedKeysStayOnTheFastPath() throws {
        let slice = Data(#"{"apiVersion":"discovery.k8s.io\/v1","kind":"EndpointSlice","metadata":{"name":"web-1","namespace":"default","labels":{"kubernetes.io\/service-name":"web"}},"addressType":"IPv4","endpoints":[],"ports":[]}"#.utf8)
        let fast = try #require(try FastJSONDecoder.fast(EndpointSlice.self, slice))
        #expect(fast == (try JSONDecoder().decode(EndpointSlice.self, from: slice)))
        #expect(fast.metadata.labels == ["kubernetes.io/service-name": "web"])
        let keyed = Data(#"{"metadata":{"name":"x","labels":{}},"sp\/ec":1}"#.utf8)
        #expect(try FastJSONDecoder.fast(Namespace.self, keyed) != nil)
    }

    /// Random JSON trees, as JSONEncoder writes them (escaped slashes and all), decode to what JSONDecoder gives.
    @Test(arguments: 0..<16) func randomTreesDecodeAsJSONDecoderDecodesThem(seed: UInt64) throws {
        var random = SeededGenerator(seed: 0xDEC0_DE00 + seed)
        for _ in 0..<40 {
            let data = try JSONEncoder().encode(RandomJSON.value(&random, depth: 0))
            #expect(try FastJSONDecoder.decode(JSONValue.self, from: data) == JSONDecoder().decode(JSONValue.self, from: data))
        }
    }

    @Test func invalidUTF8InAFieldNobodyReadsFailsAsInJSONDecoder() {
        var data = Data(#"{"unknown":"a"#.utf8)
        data.append(0xFF)
        data.append(contentsOf: Array(#"","int":1}"#.utf8))
        #expect((try? FastJSONDecoder.decode(Sample.self, from: data)) == (try? JSONDecoder().decode(Sample.self, from: data)))
    }

    @Test func invalidUTF8IsLeftToJSONDecoder() throws {
        var data = Data(#"{"text":"a"#.utf8)
        data.append(0xFF)
        data.append(contentsOf: Array(#""}"#.utf8))
        #expect(((try? FastJSONDecoder.fast(Sample.self, data)) ?? nil) == nil)
        #expect((try? FastJSONDecoder.decode(Sample.self, from: data)) == (try? JSONDecoder().decode(Sample.self, from: data)))
    }
}
