/// Bounds on what a manifest may cost to parse: documents are user input, and YAML aliases
/// let a few hundred bytes describe billions of nodes ("billion laughs").
public struct YAMLLimits: Sendable {
    /// Nodes that alias expansion may add, counted per document (anchors are scoped to one
    /// document, so a stream of many objects that each use a few aliases stays legal).
    public var maxAliasExpansion: Int
    /// Deepest nesting of mappings and sequences, so that nothing recurses without bound.
    public var maxDepth: Int
    /// Largest input in UTF-8 bytes, checked before parsing starts. This is a whole-input
    /// bound rather than a per-document one because libyaml marks count characters, not
    /// bytes, so a per-document byte count could not be exact.
    public var maxInputBytes: Int

    public init(maxAliasExpansion: Int = 10_000, maxDepth: Int = 200, maxInputBytes: Int = 64 << 20) {
        self.maxAliasExpansion = maxAliasExpansion
        self.maxDepth = maxDepth
        self.maxInputBytes = maxInputBytes
    }

    public static let `default` = YAMLLimits()
}
