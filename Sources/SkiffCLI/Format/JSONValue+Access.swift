import SkiffAPI

/// Reading the parts of objects Skiff keeps as raw JSON (container states, node info).
extension JSONValue {
    /// The member `key` of an object.
    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var int: Int? {
        if case .number(let value) = self, value.isFinite { return Int(value) }
        return nil
    }
}
