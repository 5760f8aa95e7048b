/// Parses RFC 3339 / ISO 8601 timestamps to nanoseconds since the epoch, keeping up to nine
/// fractional digits: `2026-01-01T00:00:00Z`, `2026-01-01T09:30:00.123456789+02:00`,
/// `2026-01-01 00:00:00.5Z` (a space instead of `T` is accepted).
public enum RFC3339 {
    public static func nanoseconds(_ text: String) -> Int64? {
        if case .nanoseconds(let value) = parse(text) { return value }
        return nil
    }

    /// Whether `text` is a valid RFC 3339 time that nanoseconds since the epoch in 64 bits
    /// cannot hold: before 1677-09-21T00:12:43.145224192Z or after 2262-04-11T23:47:16.854775807Z.
    public static func isOutOfRange(_ text: String) -> Bool {
        if case .outOfRange = parse(text) { return true }
        return false
    }

    /// The earliest and latest times a timestamp can hold, for messages.
    public static let range = "1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z"

    private enum Parsed {
        case nanoseconds(Int64)
        case outOfRange
        case invalid
    }

    private static func parse(_ text: String) -> Parsed {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= bytes.count else { return nil }
            var value = 0
            for _ in 0..<digits {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
                index += 1
            }
            return value
        }
        func expect(_ characters: Set<UInt8>) -> Bool {
            guard index < bytes.count, characters.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect([45]), let month = number(2), expect([45]), let day = number(2),
            expect([84, 116, 32]), let hour = number(2), expect([58]), let minute = number(2), expect([58]),
            let second = number(2)
        else { return .invalid }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day), hour < 24, minute < 60,
            second < 61
        else { return .invalid }
        var fraction: Int64 = 0
        if index < bytes.count, bytes[index] == 46 {  // "."
            index += 1
            var digits = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                if digits < 9 { fraction = fraction * 10 + Int64(bytes[index] - 48) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return .invalid }
            for _ in digits..<max(digits, 9) { fraction *= 10 }
        }
        var offsetSeconds = 0
        guard index < bytes.count else { return .invalid }  // a zone is required
        if bytes[index] == 90 || bytes[index] == 122 {  // Z
            index += 1
        } else if bytes[index] == 43 || bytes[index] == 45 {  // + -
            let sign = bytes[index] == 45 ? -1 : 1
            index += 1
            guard let hours = number(2), expect([58]), let minutes = number(2), hours < 24, minutes < 60 else { return .invalid }
            offsetSeconds = sign * (hours * 3600 + minutes * 60)
        } else {
            return .invalid
        }
        guard index == bytes.count else { return .invalid }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return .outOfRange }
        let (total, overflow2) = scaled.addingReportingOverflow(fraction)
        return overflow2 ? .outOfRange : .nanoseconds(total)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Formats nanoseconds since the epoch as `2026-01-01T00:00:00.123456789Z`.
    public static func format(nanoseconds: Int64) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(30)
        append(nanoseconds: nanoseconds, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the RFC 3339 form of `nanoseconds` (always nine fraction digits) to `output`,
    /// without an intermediate string: result encoders write millions of these.
    public static func append(nanoseconds: Int64, to output: inout [UInt8]) {
        var seconds = nanoseconds / 1_000_000_000
        var fraction = nanoseconds % 1_000_000_000
        if fraction < 0 {
            fraction += 1_000_000_000
            seconds -= 1
        }
        var days = Int(seconds / 86_400)
        var secondOfDay = Int(seconds % 86_400)
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = civilFromDays(days)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var value = value
            if value >= divisor * 10 {  // a year beyond 9999: all its digits
                output.append(contentsOf: String(value).utf8)
                return
            }
            while divisor > 0 {
                output.append(UInt8(ascii: "0") + UInt8(value / divisor))
                value %= divisor
                divisor /= 10
            }
        }
        if year < 0 { output.append(UInt8(ascii: "-")) }
        digits(abs(year), 4)
        output.append(UInt8(ascii: "-"))
        digits(month, 2)
        output.append(UInt8(ascii: "-"))
        digits(day, 2)
        output.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2)
        output.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2)
        output.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2)
        output.append(UInt8(ascii: "."))
        digits(Int(fraction), 9)
        output.append(UInt8(ascii: "Z"))
    }

    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
