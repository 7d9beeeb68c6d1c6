import Foundation
import SkiffAPI

/// Builds a describe page as kubectl does: lines written at indentation levels (two spaces each), cells separated
/// by tabs, and the whole page aligned by a tab writer (minimum width 0, padding 2) at the end.
struct DescribeWriter {
    /// kubectl cuts annotation values longer than this onto their own lines.
    static let maxAnnotationLength = 140
    /// Annotations kubectl never shows.
    static let hiddenAnnotations: Set<String> = ["kubectl.kubernetes.io/last-applied-configuration"]

    private(set) var text = ""
    let now: Date
    let timeZone: TimeZone

    init(now: Date, timeZone: TimeZone) {
        self.now = now
        self.timeZone = timeZone
    }

    /// Writes `line` (which carries its own "\n") at `level`.
    mutating func write(_ level: Int, _ line: String) {
        text += String(repeating: "  ", count: level) + line
    }

    /// The page, aligned.
    func render() -> String { TabWriter.describe.format(text) }

    /// `Labels:  a=1` and further labels on their own lines, aligned under the first; `<none>`.
    mutating func labels(_ title: String, _ labels: [String: String]?, level: Int = 0) {
        write(level, "\(title):\t")
        guard let labels, !labels.isEmpty else { text += "<none>\n"; return }
        for (index, key) in labels.keys.sorted().enumerated() {
            if index > 0 { write(level, "\t") }
            text += "\(key)=\(labels[key]!)\n"
        }
    }

    /// `Annotations:  key: value`, long or multi-line values below their key; `<none>`.
    mutating func annotations(_ annotations: [String: String]?) {
        write(0, "Annotations:\t")
        let keys = (annotations ?? [:]).keys.filter { !Self.hiddenAnnotations.contains($0) }.sorted()
        guard let annotations, !keys.isEmpty else { text += "<none>\n"; return }
        for (index, key) in keys.enumerated() {
            if index > 0 { text += "\t" }
            var value = annotations[key]!
            if value.hasSuffix("\n") { value.removeLast() }
            if value.count + key.count + 2 > Self.maxAnnotationLength || value.contains("\n") {
                text += "\(key):\n"
                for line in value.split(separator: "\n", omittingEmptySubsequences: false) {
                    text += "\t  \(Self.shorten(String(line), Self.maxAnnotationLength - 2))\n"
                }
            } else {
                text += "\(key): \(value)\n"
            }
        }
    }

    /// Name, Namespace (for namespaced kinds), Labels, Annotations, and the object's identity and age, which
    /// kubectl leaves out but which Skiff shows because they say which version of the object is described.
    mutating func header(_ object: any APIObject, namespaced: Bool = true) {
        write(0, "Name:\t\(object.name)\n")
        if namespaced { write(0, "Namespace:\t\(object.namespace)\n") }
        labels("Labels", object.metadata.labels)
        annotations(object.metadata.annotations)
        identity(object.metadata)
    }

    /// CreationTimestamp, UID and ResourceVersion.
    mutating func identity(_ metadata: ObjectMeta) {
        write(0, "CreationTimestamp:\t\(time(metadata.creationTimestamp))\n")
        write(0, "UID:\t\(Text.orNone(metadata.uid))\n")
        write(0, "ResourceVersion:\t\(Text.orNone(metadata.resourceVersion))\n")
    }

    /// Skiff records no events yet; kubectl prints this line when there are none.
    mutating func events() { write(0, "Events:\t<none>\n") }

    /// A time as kubectl prints it (RFC 1123 with a numeric zone), `<unset>` without one.
    func time(_ timestamp: Timestamp?) -> String {
        guard let timestamp else { return "<unset>" }
        return Text.rfc1123Z(timestamp.date, timeZone: timeZone)
    }

    static func shorten(_ text: String, _ length: Int) -> String {
        text.count > length ? String(text.prefix(length)) + "..." : text
    }
}
