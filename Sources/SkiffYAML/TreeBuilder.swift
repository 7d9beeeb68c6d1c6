/// Builds `Node` trees from libyaml events. It owns the policy that libyaml leaves to its
/// users: anchors and aliases (expanded by sharing the anchored node, with every expansion's
/// node count charged against `maxAliasExpansion`), nesting depth, duplicate keys and merge
/// keys. Collections are built in place on an explicit stack, so nothing recurses and nothing
/// is copied more than once.
struct TreeBuilder {
    enum CollectionKind { case sequence, mapping }

    /// A finished node with what alias accounting needs: its node count (aliases inside it
    /// counted at their expanded size) and its nesting height (0 for a scalar).
    private struct Built {
        var node: Node
        var size: Int
        var height: Int
    }

    private struct Frame {
        var kind: CollectionKind
        var mark: Mark
        var tag: String?
        var anchor: String?
        var items: [Node] = []
        var pairs: [Node.Pair] = []
        var pendingKey: Node?
        /// First mark of every scalar key, for duplicate detection and merge precedence.
        var keyMarks: [String: Mark] = [:]
        /// Indexes in `pairs` that hold `<<` merge entries, applied when the mapping ends.
        var merges: [Int] = []
        var size = 1
        var height = 1
    }

    let limits: YAMLLimits
    private(set) var documents: [YAMLDocument] = []
    private var stack: [Frame] = []
    private var anchors: [String: Built] = [:]
    private var expanded = 0
    private var documentStart = Mark(line: 1, column: 1)
    private var root: Node?

    init(limits: YAMLLimits) {
        self.limits = limits
    }

    /// Index of the document being built (or about to be).
    var documentIndex: Int { documents.count + 1 }

    mutating func startDocument(at mark: Mark) {
        documentStart = mark
        root = nil
        anchors = [:]
        expanded = 0
    }

    mutating func endDocument() {
        var root = self.root
        if let node = root, node.tag == nil, case .scalar(let text, .plain) = node.content,
            ScalarResolver.plainKind(text) == .null
        {
            root = nil
        }
        documents.append(YAMLDocument(index: documentIndex, root: root, start: documentStart))
        self.root = nil
        anchors = [:]
    }

    mutating func scalar(
        _ text: String, style: Node.ScalarStyle, tag: String?, anchor: String?, at mark: Mark
    ) throws(YAMLError) {
        if let tag, ScalarResolver.value(text, as: ScalarResolver.kind(ofTag: tag)) == nil {
            let name = tag.hasPrefix(ScalarResolver.corePrefix) ? "!!" + tag.dropFirst(ScalarResolver.corePrefix.count) : tag
            throw YAMLError(.invalidValue, "\(String(reflecting: text)) is not a valid \(name)", mark: mark)
        }
        let built = Built(node: Node(.scalar(text, style), mark: mark, tag: tag), size: 1, height: 0)
        if let anchor { anchors[anchor] = built }
        try add(built)
    }

    mutating func alias(_ name: String, at mark: Mark) throws(YAMLError) {
        guard var built = anchors[name] else {
            if stack.contains(where: { $0.anchor == name }) {
                throw YAMLError(.syntax, "alias *\(name) refers to a node that contains it (recursive alias)", mark: mark)
            }
            throw YAMLError(.syntax, "undefined alias *\(name)", mark: mark)
        }
        expanded += built.size
        guard expanded <= limits.maxAliasExpansion else {
            throw YAMLError(
                .aliasLimit,
                "alias *\(name) expands past the limit of \(limits.maxAliasExpansion) nodes per document",
                mark: mark)
        }
        guard stack.count + built.height <= limits.maxDepth else { throw depthError(at: mark) }
        built.node.mark = mark  // a decode error about this value should point here
        try add(built)
    }

    mutating func startCollection(_ kind: CollectionKind, tag: String?, anchor: String?, at mark: Mark) throws(YAMLError) {
        guard stack.count < limits.maxDepth else { throw depthError(at: mark) }
        stack.append(Frame(kind: kind, mark: mark, tag: tag, anchor: anchor))
    }

    mutating func endCollection() throws(YAMLError) {
        let frame = stack.removeLast()
        let node: Node
        switch frame.kind {
        case .sequence:
            node = Node(.sequence(frame.items), mark: frame.mark, tag: frame.tag)
        case .mapping:
            let pairs = frame.merges.isEmpty ? frame.pairs : try merged(frame)
            node = Node(.mapping(pairs), mark: frame.mark, tag: frame.tag)
        }
        let built = Built(node: node, size: frame.size, height: frame.height)
        if let anchor = frame.anchor { anchors[anchor] = built }
        try add(built)
    }

    private func depthError(at mark: Mark) -> YAMLError {
        YAMLError(.depthLimit, "nesting is deeper than the limit of \(limits.maxDepth) levels", mark: mark)
    }

    private mutating func add(_ built: Built) throws(YAMLError) {
        guard !stack.isEmpty else {
            root = built.node
            return
        }
        let top = stack.count - 1
        stack[top].size += built.size
        stack[top].height = max(stack[top].height, built.height + 1)
        switch stack[top].kind {
        case .sequence:
            stack[top].items.append(built.node)
        case .mapping:
            guard let key = stack[top].pendingKey else {
                try checkDuplicate(built.node)
                stack[top].pendingKey = built.node
                return
            }
            stack[top].pendingKey = nil
            if Self.isMergeKey(key) { stack[top].merges.append(stack[top].pairs.count) }
            stack[top].pairs.append(Node.Pair(key: key, value: built.node))
        }
    }

    private mutating func checkDuplicate(_ key: Node) throws(YAMLError) {
        guard case .scalar(let text, _) = key.content, !Self.isMergeKey(key) else { return }
        let top = stack.count - 1
        if let first = stack[top].keyMarks[text] {
            throw YAMLError(
                .duplicateKey,
                "duplicate key \(String(reflecting: text)): first at line \(first.line), again at line \(key.mark.line)",
                mark: key.mark)
        }
        stack[top].keyMarks[text] = key.mark
    }

    static func isMergeKey(_ key: Node) -> Bool {
        guard case .scalar(let text, let style) = key.content, text == "<<" else { return false }
        return key.tag == ScalarResolver.corePrefix + "merge" || (key.tag == nil && style == .plain)
    }

    /// Applies `<<` entries in place: each merged key is added unless the mapping states it
    /// explicitly (anywhere) or an earlier merge source already provided it.
    private func merged(_ frame: Frame) throws(YAMLError) -> [Node.Pair] {
        var taken = Set(frame.keyMarks.keys)
        var result: [Node.Pair] = []
        result.reserveCapacity(frame.pairs.count)
        var nextMerge = 0
        for (index, pair) in frame.pairs.enumerated() {
            guard nextMerge < frame.merges.count, frame.merges[nextMerge] == index else {
                result.append(pair)
                continue
            }
            nextMerge += 1
            let sources: [Node]
            switch pair.value.content {
            case .mapping: sources = [pair.value]
            case .sequence(let items): sources = items
            case .scalar:
                throw YAMLError(.invalidValue, "a merge key (<<) needs a mapping or a sequence of mappings", mark: pair.value.mark)
            }
            for source in sources {
                guard case .mapping(let sourcePairs) = source.content else {
                    throw YAMLError(.invalidValue, "a merge key (<<) needs a mapping or a sequence of mappings", mark: source.mark)
                }
                for sourcePair in sourcePairs {
                    if let key = sourcePair.key.scalar, !taken.insert(key).inserted { continue }
                    result.append(sourcePair)
                }
            }
        }
        return result
    }
}
