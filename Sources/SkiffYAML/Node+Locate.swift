extension Node {
    /// Finds the node at a Kubernetes-style field path such as `spec.ports[0].port` or
    /// `metadata.labels.app.kubernetes.io/name`. Map keys may contain dots, so a segment is
    /// matched greedily against the keys that exist (longest first, backtracking if that
    /// leads nowhere). When the full path does not exist, returns the mark of the deepest node
    /// that does, so an error about a missing field points at its parent. An empty path is
    /// the node itself.
    public func locate(_ path: String) -> Mark? {
        descend(Self.trimmed(Substring(path))).node.mark
    }

    /// The node at exactly `path` (same syntax as `locate`), or nil if it does not exist.
    public func node(at path: String) -> Node? {
        let found = descend(Self.trimmed(Substring(path)))
        return found.remaining == 0 ? found.node : nil
    }

    /// The deepest node reached and how many UTF-8 bytes of the path were left unmatched.
    private func descend(_ rest: Substring) -> (node: Node, remaining: Int) {
        let unmatched = (node: self, remaining: rest.utf8.count)
        guard !rest.isEmpty else { return unmatched }
        switch content {
        case .scalar:
            return unmatched
        case .sequence(let items):
            guard rest.first == "[", let close = rest.firstIndex(of: "]"),
                let index = Int(rest[rest.index(after: rest.startIndex)..<close]), items.indices.contains(index)
            else { return unmatched }
            return items[index].descend(Self.trimmed(rest[rest.index(after: close)...]))
        case .mapping(let pairs):
            let candidates = pairs.compactMap { pair -> (key: String, value: Node)? in
                guard let key = pair.key.scalar, !key.isEmpty, rest.hasPrefix(key) else { return nil }
                let after = rest.dropFirst(key.count)
                return after.isEmpty || after.first == "." || after.first == "[" ? (key, pair.value) : nil
            }
            var best = unmatched
            for candidate in candidates.sorted(by: { $0.key.count > $1.key.count }) {
                let found = candidate.value.descend(Self.trimmed(rest.dropFirst(candidate.key.count)))
                if found.remaining == 0 { return found }
                if found.remaining < best.remaining { best = found }
            }
            return best
        }
    }

    private static func trimmed(_ path: Substring) -> Substring {
        path.first == "." ? path.dropFirst() : path
    }
}
