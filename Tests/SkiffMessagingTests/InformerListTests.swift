import Foundation
import SkiffAPI
@testable import SkiffMessaging
import Testing

/// A list reply is decoded item by item: an item that does not decode is named, not fatal.
@Suite struct InformerListTests {
    private static let service = #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default","resourceVersion":"6"},"spec":{"ports":[{"port":80}]}}"#

    @Test func aListReplyDecodesAsBefore() throws {
        let body = Data(#"{"kind":"ServiceList","metadata":{"resourceVersion":"7"},"items":[\#(Self.service),{"metadata":{"name":"bad","namespace":"x"},"spec":{"ports":[{"port":"x"}]}}]}"#.utf8)
        let list = try InformerList<Service>.decode(body)
        #expect(list.revision == 7)
        #expect(list.objects.map(\.name) == ["web"])
        #expect(list.undecodable == ["x/bad"])
    }
}
