/// The typed value of a scalar under the YAML 1.2 core schema.
public enum ResolvedScalar: Sendable, Equatable {
    case null
    case bool(Bool)
    /// Integers that do not fit in Int64 resolve to `.float`; `NodeDecoder` still decodes
    /// them exactly into wider types such as UInt64 by re-reading the text.
    case int(Int64)
    case float(Double)
    case string(String)
}

extension Node {
    /// Resolution per YAML 1.2 core schema for plain scalars: null (~, null, Null, NULL, empty),
    /// bool (true/True/TRUE/false/False/FALSE), int (decimal with optional sign, 0o octal,
    /// 0x hex), float (incl. .inf/.nan), else string. Quoted and block scalars are always
    /// strings. Explicit core tags (!!str, !!int, !!float, !!bool, !!null) are honoured; other
    /// tags (`!`, local tags) make the scalar a string. nil for collections.
    public var resolved: ResolvedScalar? {
        guard case .scalar(let text, let style) = content else { return nil }
        return ScalarResolver.resolve(text, style: style, tag: tag)
    }
}
