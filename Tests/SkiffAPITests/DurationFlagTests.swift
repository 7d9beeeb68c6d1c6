import SkiffAPI
import Testing

struct DurationFlagTests {
    struct DurationCase: Sendable, CustomTestStringConvertible {
        var text: String
        var expected: Duration?
        var testDescription: String { "\(String(reflecting: text)) -> \(expected.map { "\($0)" } ?? "invalid")" }
    }

    @Test(arguments: [
        DurationCase(text: "0", expected: .zero),
        DurationCase(text: "0s", expected: .zero),
        DurationCase(text: "100ms", expected: .milliseconds(100)),
        DurationCase(text: "1.5s", expected: .milliseconds(1500)),
        DurationCase(text: "1m30s", expected: .seconds(90)),
        DurationCase(text: "250us", expected: .microseconds(250)),
        DurationCase(text: "", expected: nil),
        DurationCase(text: "100", expected: nil),
        DurationCase(text: "-1s", expected: nil),
        DurationCase(text: "1d", expected: nil),
        DurationCase(text: "ms", expected: nil),
    ])
    func parsesGoDurations(_ test: DurationCase) {
        #expect(DurationFlag.parse(test.text) == test.expected)
    }
}
