import CYAML

/// A position in the manifest text, 1-based like an editor shows it (libyaml counts from 0).
/// Columns count characters, not bytes.
public struct Mark: Sendable, Equatable, Hashable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    init(_ mark: yaml_mark_t) {
        self.line = Int(mark.line) + 1
        self.column = Int(mark.column) + 1
    }

    public static func < (lhs: Mark, rhs: Mark) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    public var description: String { "line \(line), column \(column)" }
}
