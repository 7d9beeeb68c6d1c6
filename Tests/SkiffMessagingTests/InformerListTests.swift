import Foundation
import SkiffAPI
@testable import SkiffMessaging
import Testing

/// A list reply is decoded item by item: an item that does not decode is named, not fatal.
@Suite struct InformerListTests {
    private static let service = #"""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default","uid":"8d1c","resourceVersion":"42",
         "creationTimestamp":"2026-11-27T04:40:00Z","labels":{"app":"web","tier":"front"},"annotations":{"note":"a \"quoted\" \\ path\/x\n"}},
         "spec":{"type":"ClusterIP","selector":{"app":"web"},"clusterIP":"10.96.0.10","clusterIPs":["10.96.0.10"],
         "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080},{"name":"dns","port":53,"targetPort":"dns"}],
         "sessionAffinity":"None","publishNotReadyAddresses":false},"status":{"loadBalancer":{}}}
        """#

    @Test func aListReplyDecodesAsBefore() throws {
        let body = Data(#"{"kind":"ServiceList","metadata":{"resourceVersion":"7"},"items":[\#(Self.service),{"metadata":{"name":"bad","namespace":"x"},"spec":{"ports":[{"port":"x"}]}}]}"#.utf8)
        let list = try InformerList<Service>.decode(body)
        #expect(list.revision == 7)
        #expect(list.objects.map(\.name) == ["web"])
        #expect(list.undecodable == ["x/bad"])
    }
}
