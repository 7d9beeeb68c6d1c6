/// Which strings must be quoted so that every reader gets a string back: YAML 1.2 readers
/// (this module, Kubernetes' go-yaml v3 based tools) and YAML 1.1 readers (PyYAML, older
/// go-yaml) that also treat `yes`, `on`, `0777`, `1_000`, `12:30` and dates as non-strings.
enum YAMLQuoting {
    static func needsQuotes(_ text: String) -> Bool {
        if ScalarResolver.plainKind(text) != .string { return true }
        if text == "<<" || text == "=" { return true }  // merge key, YAML 1.1 value key
        return yaml11NonString(text)
    }

    private static let yaml11Words: Set<String> = [
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "on", "On", "ON", "off", "Off", "OFF",
    ]

    /// YAML 1.1 bools, ints and floats (with `_` separators, binary, base 60) and timestamps.
    static func yaml11NonString(_ text: String) -> Bool {
        if yaml11Words.contains(text) { return true }
        var body = Substring(text)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        guard let first = body.first, first.isASCII, first.isNumber || first == "." else { return false }
        let withoutSeparators = String(body.filter { $0 != "_" })
        if !withoutSeparators.isEmpty, ScalarResolver.plainKind(withoutSeparators) != .string { return true }
        if body.hasPrefix("0b"), body.count > 2, body.dropFirst(2).allSatisfy({ $0 == "0" || $0 == "1" || $0 == "_" }) {
            return true
        }
        if isSexagesimal(body) { return true }
        return startsWithDate(body)
    }

    /// `190:20:30` or `190:20:30.15`: digits, then `:`-separated groups of one or two digits.
    private static func isSexagesimal(_ text: Substring) -> Bool {
        let number = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let groups = number[0].split(separator: ":", omittingEmptySubsequences: false)
        guard groups.count > 1, let head = groups.first, !head.isEmpty,
            head.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "_") })
        else { return false }
        let tailValid = groups.dropFirst().allSatisfy { group in
            (1...2).contains(group.count) && group.allSatisfy { $0.isASCII && $0.isNumber }
        }
        let fractionValid = number.count == 1 || number[1].allSatisfy { $0.isASCII && ($0.isNumber || $0 == "_") }
        return tailValid && fractionValid
    }

    /// `2001-12-14`, optionally followed by a time: YAML 1.1 timestamps (go-yaml quotes them,
    /// hence `creationTimestamp: "2024-01-01T00:00:00Z"` in kubectl output).
    private static func startsWithDate(_ text: Substring) -> Bool {
        let parts = text.prefix(10).split(separator: "-", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, (1...2).contains(parts[1].count), let day = parts[2].first,
            day.isASCII, day.isNumber
        else { return false }
        return parts[0].allSatisfy { $0.isASCII && $0.isNumber } && parts[1].allSatisfy { $0.isASCII && $0.isNumber }
    }
}
