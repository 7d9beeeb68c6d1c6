import CYAML
import Foundation

/// Prints values as block-style YAML the way `kubectl get -o yaml` does. libyaml's emitter
/// does the layout and decides where plain style is impossible (indicators, leading
/// spaces...); this type adds what libyaml cannot know: which strings would read back as
/// something else, which it then double-quotes.
public enum YAMLEmitter {
    /// Block-style YAML for a JSON value, keys in the JSON's order, strings quoted only where
    /// needed (e.g. "80", "true", "", leading special characters). The JSON is read with
    /// libyaml too, since that keeps key order; an empty input gives an empty string.
    public static func yaml(fromJSON data: Data) throws -> String {
        guard let text = String(data: data, encoding: .utf8) else {
            throw YAMLError(.notUTF8, "JSON input is not valid UTF-8")
        }
        return try yaml(from: YAMLParser.parse(text))
    }

    /// The documents as one YAML stream (`---` between documents); an empty document prints
    /// as `null`, like a JSON null.
    public static func yaml(from documents: [YAMLDocument]) throws(YAMLError) -> String {
        try emit(documents.map { $0.root ?? Node.scalar("null") })
    }

    /// One node as a YAML document.
    public static func yaml(from node: Node) throws(YAMLError) -> String {
        try emit([node])
    }

    private final class Output {
        var bytes: [UInt8] = []
    }

    /// The emitter struct lives on the heap (libyaml may keep pointers into it); its output
    /// goes to a buffer object passed as the handler's context. Nothing escapes this call.
    private static func emit(_ roots: [Node]) throws(YAMLError) -> String {
        guard !roots.isEmpty else { return "" }
        let emitter = UnsafeMutablePointer<yaml_emitter_t>.allocate(capacity: 1)
        defer { emitter.deallocate() }
        guard yaml_emitter_initialize(emitter) == 1 else { throw YAMLError(.emitFailed, "cannot initialize libyaml emitter") }
        defer { yaml_emitter_delete(emitter) }
        let output = Output()
        try withExtendedLifetime(output) { () throws(YAMLError) in
            let context = Unmanaged.passUnretained(output).toOpaque()
            yaml_emitter_set_output(
                emitter,
                { context, buffer, size in
                    guard let context, let buffer else { return 0 }
                    Unmanaged<Output>.fromOpaque(context).takeUnretainedValue().bytes
                        .append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
                    return 1
                }, context)
            yaml_emitter_set_unicode(emitter, 1)
            yaml_emitter_set_width(emitter, -1)
            yaml_emitter_set_indent(emitter, 2)
            var writer = EventWriter(emitter: emitter)
            try writer.stream(roots)
        }
        return String(decoding: output.bytes, as: UTF8.self)
    }
}

/// Feeds one node tree to libyaml as events.
private struct EventWriter {
    let emitter: UnsafeMutablePointer<yaml_emitter_t>
    var event = yaml_event_t()

    mutating func stream(_ roots: [Node]) throws(YAMLError) {
        yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING)
        try emit()
        for root in roots {
            yaml_document_start_event_initialize(&event, nil, nil, nil, 1)
            try emit()
            try node(root)
            yaml_document_end_event_initialize(&event, 1)
            try emit()
        }
        yaml_stream_end_event_initialize(&event)
        try emit()
    }

    private mutating func node(_ node: Node) throws(YAMLError) {
        switch node.content {
        case .scalar(let text, let style):
            try scalar(text, kind: ScalarResolver.kind(text, style: style, tag: node.tag))
        case .sequence(let items):
            yaml_sequence_start_event_initialize(&event, nil, nil, 1, YAML_BLOCK_SEQUENCE_STYLE)
            try emit()
            for item in items { try self.node(item) }
            yaml_sequence_end_event_initialize(&event)
            try emit()
        case .mapping(let pairs):
            yaml_mapping_start_event_initialize(&event, nil, nil, 1, YAML_BLOCK_MAPPING_STYLE)
            try emit()
            for pair in pairs {
                try self.node(pair.key)
                try self.node(pair.value)
            }
            yaml_mapping_end_event_initialize(&event)
            try emit()
        }
    }

    /// Non-strings print plain (null as `null`); strings plain when that reads back as the
    /// same string, double-quoted when it would not, literal (`|`) when multi-line.
    private mutating func scalar(_ text: String, kind: ScalarKind) throws(YAMLError) {
        var text = text
        var style = YAML_ANY_SCALAR_STYLE
        var plainImplicit: Int32 = 1
        switch kind {
        case .null:
            text = "null"
            style = YAML_PLAIN_SCALAR_STYLE
        case .bool, .int, .float:
            style = YAML_PLAIN_SCALAR_STYLE
        case .string:
            if YAMLQuoting.needsQuotes(text) {
                style = YAML_DOUBLE_QUOTED_SCALAR_STYLE
                plainImplicit = 0
            } else if text.contains("\n") {
                style = YAML_LITERAL_SCALAR_STYLE
            }
        }
        let length = Int32(clamping: text.utf8.count)
        text.withCString { pointer in
            pointer.withMemoryRebound(to: yaml_char_t.self, capacity: Int(length) + 1) { value in
                _ = yaml_scalar_event_initialize(&event, nil, nil, value, length, plainImplicit, 1, style)
            }
        }
        try emit()
    }

    /// Hands the event to libyaml, which takes ownership of it even on failure.
    private mutating func emit() throws(YAMLError) {
        guard yaml_emitter_emit(emitter, &event) == 1 else {
            let problem = emitter.pointee.problem.map { String(cString: $0) } ?? "unknown libyaml emitter error"
            throw YAMLError(.emitFailed, problem)
        }
    }
}
