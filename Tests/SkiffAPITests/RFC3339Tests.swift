import Foundation
@testable import SkiffAPI
import Testing

/// The hand-written RFC 3339 digits must agree with Foundation's ISO 8601 style, which they replace on the hot path.
@Suite struct RFC3339Tests {
    /// Whole seconds over four centuries (leap days, century years, before 1970), in both directions.
    @Test func secondsAgreeWithFoundation() throws {
        var seconds: Int64 = -2_208_988_800  // 1900-01-01
        while seconds < 10_413_792_000 {  // 2300-01-01
            let date = Date(timeIntervalSince1970: Double(seconds))
            let text = RFC3339.string(date)
            #expect(text == date.formatted(.iso8601))
            #expect(RFC3339.parseUTC(text) == date)
            #expect(RFC3339.parseUTC(text) == (try Date(text, strategy: .iso8601)))
            seconds += 86_400 * 13 + 3_607  // a prime-ish stride through days, hours and seconds
        }
    }

    @Test(arguments: [
        (1_795_000_000.25, "2026-11-18T11:06:40.250000Z"),
        (946_684_799.5, "1999-12-31T23:59:59.500000Z"),
        (1.75, "1970-01-01T00:00:01.750000Z"),
        (951_782_400.0625, "2000-02-29T00:00:00.062500Z"),
        (-0.5, "1969-12-31T23:59:59.500000Z"),
    ])
    func microsecondsAreTruncatedAndReadBack(seconds: Double, expected: String) throws {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(RFC3339.string(date, fractionDigits: 6) == expected)
        let parsed = try #require(RFC3339.parseUTC(expected))
        #expect(abs(parsed.timeIntervalSince1970 - seconds) < 0.000_001)
        #expect(MicroTime(date).rfc3339 == expected)
    }

    /// Anything but the canonical UTC form goes to Foundation's parser (via `Timestamp.parse`), or is refused.
    @Test(arguments: [
        "2026-11-27T04:40:00+01:00", "2026-11-27t04:40:00Z", "2026-11-27T04:40:00z", "2026-02-29T00:00:00Z",
        "2026-13-01T00:00:00Z", "2026-11-31T00:00:00Z", "2026-11-27T24:00:00Z", "2026-11-27T04:60:00Z",
        "2026-11-27T04:40:60Z", "2026-11-27T04:40:00.Z", "2026-11-27T04:40:00,5Z", "2026-11-27 04:40:00Z",
        "2026-11-27T04:40:00", "20261127T044000Z", "", "2026-11-27T04:40:00.1234567890Z", "２０２６-11-27T04:40:00Z",
    ])
    func otherFormsAreNotTakenByTheFastParser(text: String) {
        #expect(RFC3339.parseUTC(text) == nil)
    }

    @Test func timestampsStillAcceptWhatFoundationAccepts() throws {
        let offset = try #require(Timestamp.parse("2026-11-27T05:40:00+01:00"))
        #expect(offset == RFC3339.parseUTC("2026-11-27T04:40:00Z"))
        #expect(Timestamp.parse("2024-02-29T12:00:00Z") != nil)
        #expect(Timestamp.parse("not a time") == nil)
    }
}
