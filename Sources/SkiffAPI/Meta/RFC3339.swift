import Foundation

/// RFC 3339 times in UTC as Kubernetes writes them ("2026-11-27T04:40:00Z", "...:00.123456Z"), with the digits
/// done by hand. Foundation's ISO 8601 format style costs about a microsecond a call, and every stored object has
/// a `creationTimestamp` that each write encodes and each informer decodes; the audit log writes one per request.
public enum RFC3339 {
    /// `date` truncated to whole seconds (`fractionDigits` 0) or to microseconds (6).
    public static func append(_ date: Date, fractionDigits: Int, to out: inout [UInt8]) {
        let since1970 = date.timeIntervalSince1970
        let seconds = Int64(since1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let (year, month, day) = civil(days: days)
        let inDay = Int(seconds - days * 86_400)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(year, 4)
        out.append(UInt8(ascii: "-"))
        digits(month, 2)
        out.append(UInt8(ascii: "-"))
        digits(day, 2)
        out.append(UInt8(ascii: "T"))
        digits(inDay / 3_600, 2)
        out.append(UInt8(ascii: ":"))
        digits(inDay / 60 % 60, 2)
        out.append(UInt8(ascii: ":"))
        digits(inDay % 60, 2)
        if fractionDigits > 0 {
            var scale = 1.0
            for _ in 0..<fractionDigits { scale *= 10 }
            let fraction = min(Int((since1970 - Double(seconds)) * scale), Int(scale) - 1)
            out.append(UInt8(ascii: "."))
            digits(fraction, fractionDigits)
        }
        out.append(UInt8(ascii: "Z"))
    }

    public static func string(_ date: Date, fractionDigits: Int = 0) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(27)
        append(date, fractionDigits: fractionDigits, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// "YYYY-MM-DDTHH:MM:SS[.fraction]Z"; nil for anything else (offsets, lowercase, leap seconds), which the
    /// caller hands to Foundation's parser.
    public static func parseUTC(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes -> Date? in
            let count = bytes.count
            guard count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
                  bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), bytes[count - 1] == UInt8(ascii: "Z") else { return nil }
            func number(_ start: Int, _ width: Int) -> Int? {
                var value = 0
                for index in start..<(start + width) {
                    let digit = Int(bytes[index]) - 0x30
                    guard digit >= 0, digit <= 9 else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
                  let minute = number(14, 2), let second = number(17, 2),
                  (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60, second < 60
            else { return nil }
            var fraction = 0.0
            if count > 20 {
                guard bytes[19] == UInt8(ascii: "."), count > 21, count - 21 <= 9, let digits = number(20, count - 21) else { return nil }
                var scale = 1.0
                for _ in 0..<(count - 21) { scale *= 10 }
                fraction = Double(digits) / scale
            }
            let seconds = days(year: year, month: month, day: day) * 86_400 + Int64(hour * 3_600 + minute * 60 + second)
            return Date(timeIntervalSince1970: Double(seconds) + fraction)
        }
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = Int64((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1)
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day since 1970-01-01 (`civil_from_days`).
    static func civil(days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        let year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
