/// One YAML node with the position it was written at, so that later errors can point at it.
/// Aliases are already expanded (collections share storage, so expansion is cheap) and merge
/// keys (`<<`) already applied.
public struct Node: Sendable, Equatable {
    public enum Content: Sendable, Equatable {
        case scalar(String, ScalarStyle)
        case sequence([Node])
        case mapping([Pair])
    }

    public struct Pair: Sendable, Equatable {
        public var key: Node
        public var value: Node

        public init(key: Node, value: Node) {
            self.key = key
            self.value = value
        }
    }

    public enum ScalarStyle: Sendable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    public var content: Content
    /// Where the node starts (for a mapping value: where the value starts, not its key).
    public var mark: Mark
    /// The explicit tag as libyaml resolved it, e.g. `tag:yaml.org,2002:str` for `!!str`,
    /// `!` for the non-specific tag, or a local tag such as `!Ref`; nil when untagged.
    public var tag: String?

    public init(_ content: Content, mark: Mark = Mark(line: 1, column: 1), tag: String? = nil) {
        self.content = content
        self.mark = mark
        self.tag = tag
    }

    /// A scalar node; handy for building trees in code and tests.
    public static func scalar(
        _ text: String, style: ScalarStyle = .plain, mark: Mark = Mark(line: 1, column: 1), tag: String? = nil
    ) -> Node {
        Node(.scalar(text, style), mark: mark, tag: tag)
    }

    /// The scalar's text as written (after unescaping), nil for collections.
    public var scalar: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    /// The value of the first pair whose key is a scalar with this text; nil if there is no
    /// such key or this is not a mapping. Lets callers peek (e.g. at `kind`) without decoding.
    public subscript(key: String) -> Node? {
        guard case .mapping(let pairs) = content else { return nil }
        return pairs.first { $0.key.scalar == key }?.value
    }

    /// The sequence item at `index`, nil when out of range or not a sequence.
    public subscript(index: Int) -> Node? {
        guard case .sequence(let items) = content, items.indices.contains(index) else { return nil }
        return items[index]
    }

    /// True for a scalar that resolves to null (`~`, `null`, empty, `!!null`).
    public var isNull: Bool {
        guard case .scalar(let text, let style) = content else { return false }
        return ScalarResolver.kind(text, style: style, tag: tag) == .null
    }
}

/// `Node` under a name that cannot clash: modules with a Kubernetes `Node` type of their own
/// (SkiffAPI) see their type first and can write `YAMLNode` (or `SkiffYAML.Node`) for this one.
public typealias YAMLNode = Node
