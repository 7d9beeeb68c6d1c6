/// One document of a YAML stream (`---` separates documents).
public struct YAMLDocument: Sendable {
    /// 1-based position within its stream.
    public var index: Int
    /// nil for an empty document, and for one whose root is a bare null (`~`, `null`): kubectl
    /// skips both, so callers can simply skip nil roots.
    public var root: Node?
    /// Where the document starts: its `---`, or its first content when implicit.
    public var start: Mark

    public init(index: Int, root: Node?, start: Mark) {
        self.index = index
        self.root = root
        self.start = start
    }
}
