@testable import APIServer
import Foundation
import SkiffAPI
import Testing

/// The body of an `apply`: one object or a List, cut into items straight from the JSON text.
@Suite struct ApplyBodyTests {
    private static func message(_ body: String) -> String? {
        do {
            _ = try ApplyBody.decode(Data(body.utf8))
            return nil
        } catch {
            return error.message
        }
    }

    @Test func aListIsCutIntoItsObjectsWithTheirTextIntact() throws {
        let body = #"""
            {"apiVersion":"v1","kind":"List","metadata":{},"items":[
              {"apiVersion":"v1","kind":"Service","metadata":{"name":"a","annotations":{"note":"q\"uo]te}\\ ,\/"}},"spec":{"ports":[{"port":80}]}},
              {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"n","labels":{"kubernetes.io\/metadata.name":"n"}}}
            ]}
            """#
        let objects = try ApplyBody.decode(Data(body.utf8))
        #expect(objects.count == 2)
        let service = try #require(objects.first as? Service)
        #expect(service.metadata.annotations?["note"] == #"q"uo]te}\ ,/"#)
        #expect((objects.last as? Namespace)?.metadata.labels == ["kubernetes.io/metadata.name": "n"])
    }

    @Test func oneObjectIsAListOfOne() throws {
        let objects = try ApplyBody.decode(Data(#"{"apiVersion":"v1","kind":"Service","metadata":{"name":"a"}}"#.utf8))
        #expect(objects.map { $0.name } == ["a"])
    }

    @Test func badBodiesSayWhatIsWrong() {
        #expect(Self.message(#"{"kind":"List","items":[}"#)?.hasPrefix("the request body is not JSON: ") == true)
        #expect(Self.message(#"[1]"#) == "the request body must be a JSON object")
        #expect(Self.message(#"{"kind":"List"}"#) == "a List needs items")
        #expect(Self.message(#"{"kind":"List","items":{}}"#) == "a List needs items")
        let second = Self.message(#"{"kind":"List","items":[{"apiVersion":"v1","kind":"Service","metadata":{"name":"a"}},{"apiVersion":"v1","kind":"Gadget"}]}"#)
        #expect(second?.hasPrefix("items[1]: ") == true, "\(second ?? "")")
        #expect(second?.contains(#"kind "Gadget" in apiVersion "v1" is not served"#) == true, "\(second ?? "")")
        let third = Self.message(#"{"kind":"List","items":[{"apiVersion":"v1","kind":"Service","metadata":{"name":"a"}},1]}"#)
        #expect(third?.hasPrefix("items[1]: not an object") == true, "\(third ?? "")")
    }
}
