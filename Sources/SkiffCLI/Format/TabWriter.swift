/// Go's `text/tabwriter` with a space pad character, which kubectl uses for every table and every describe page:
/// cells end at tabs; a column's width is its widest cell plus `padding` (at least `minWidth`), computed over each
/// run of consecutive lines that have a cell in that column; the text after a line's last tab is not padded.
///
/// Exactness matters here: kubectl's output is what users and scripts compare against.
public struct TabWriter: Sendable {
    public var minWidth: Int
    public var padding: Int

    /// kubectl get's tables: `tabwriter.NewWriter(out, 6, 4, 3, ' ', tabwriter.RememberWidths)` (printers'
    /// GetNewTabWriter). RememberWidths only matters across flushes, for `get -w`.
    public static let table = TabWriter(minWidth: 6, padding: 3)
    /// kubectl describe's pages: `tabwriter.NewWriter(out, 0, 8, 2, ' ', 0)`.
    public static let describe = TabWriter(minWidth: 0, padding: 2)

    public init(minWidth: Int, padding: Int) {
        self.minWidth = minWidth
        self.padding = padding
    }

    /// Aligns `text` (lines separated by "\n", cells by "\t").
    public func format(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
        let endsWithNewline = text.hasSuffix("\n")
        if endsWithNewline { lines.removeLast() }
        var output = ""
        var widths: [Int] = []
        format(lines, from: 0, to: lines.count, widths: &widths, into: &output)
        if !endsWithNewline, output.hasSuffix("\n") { output.removeLast() }
        return output
    }

    /// Go's `Writer.format`: finds the blocks of lines that have a cell in column `widths.count`, sizes that
    /// column per block, and recurses for the columns to its right.
    private func format(_ lines: [[String]], from start: Int, to end: Int, widths: inout [Int], into output: inout String) {
        let column = widths.count
        var line0 = start
        var this = start
        while this < end {
            if column >= lines[this].count - 1 {
                this += 1
                continue
            }
            write(lines, from: line0, to: this, widths: widths, into: &output)
            line0 = this
            var width = minWidth
            while this < end, column < lines[this].count - 1 {
                width = max(width, Self.width(lines[this][column]) + padding)
                this += 1
            }
            widths.append(width)
            format(lines, from: line0, to: this, widths: &widths, into: &output)
            widths.removeLast()
            line0 = this
        }
        write(lines, from: line0, to: end, widths: widths, into: &output)
    }

    private func write(_ lines: [[String]], from start: Int, to end: Int, widths: [Int], into output: inout String) {
        guard start < end else { return }
        for index in start..<end {
            for (column, cell) in lines[index].enumerated() {
                output += cell
                if column < widths.count, column < lines[index].count - 1 {
                    output += String(repeating: " ", count: max(0, widths[column] - Self.width(cell)))
                }
            }
            output += "\n"
        }
    }

    /// Go counts runes (Unicode scalars), not bytes or grapheme clusters.
    static func width(_ cell: String) -> Int { cell.unicodeScalars.count }
}
