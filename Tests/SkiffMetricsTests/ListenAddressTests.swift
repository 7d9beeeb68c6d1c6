import SkiffMetrics
import Testing

@Suite struct ListenAddressTests {
    @Test(arguments: [
        ("127.0.0.1:1053", "127.0.0.1", 1053),
        ("[::1]:53", "::1", 53),
        ("0.0.0.0:0", "0.0.0.0", 0),
    ])
    func parses(text: String, host: String, port: Int) throws {
        let address = try ListenAddress(parsing: text)
        #expect(address == ListenAddress(host: host, port: port))
    }

    @Test(arguments: ["127.0.0.1", ":53", "127.0.0.1:65536", "127.0.0.1:x"])
    func rejects(text: String) {
        #expect(throws: MetricsError.self) { try ListenAddress(parsing: text) }
    }
}
