import CYAML

/// Parses YAML (and JSON, which is YAML) into `YAMLDocument`s with libyaml's event API.
/// The tree is built here rather than by libyaml's document loader so that alias expansion,
/// nesting depth and duplicate keys are under our control (see `TreeBuilder`).
public enum YAMLParser {
    public static func parse(_ text: String, limits: YAMLLimits = .default) throws(YAMLError) -> [YAMLDocument] {
        let size = text.utf8.count
        guard size <= limits.maxInputBytes else {
            throw YAMLError(.sizeLimit, "input is \(size) bytes, more than the limit of \(limits.maxInputBytes)")
        }
        guard size > 0 else { return [] }
        var text = text
        let result: Result<[YAMLDocument], YAMLError> = text.withUTF8 { bytes in
            Result { () throws(YAMLError) in try run(bytes, limits: limits) }
        }
        return try result.get()
    }

    /// Drives libyaml over `bytes`. The parser struct lives on the heap because libyaml keeps a
    /// pointer to it (its string reader's context), so it must not move; nothing escapes.
    private static func run(_ bytes: UnsafeBufferPointer<UInt8>, limits: YAMLLimits) throws(YAMLError) -> [YAMLDocument] {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        let event = UnsafeMutablePointer<yaml_event_t>.allocate(capacity: 1)
        defer {
            event.deallocate()
            parser.deallocate()
        }
        guard yaml_parser_initialize(parser) == 1 else { throw YAMLError(.syntax, "cannot initialize libyaml") }
        defer { yaml_parser_delete(parser) }
        yaml_parser_set_input_string(parser, bytes.baseAddress, bytes.count)

        var builder = TreeBuilder(limits: limits)
        while true {
            guard yaml_parser_parse(parser, event) == 1 else {
                throw libyamlError(parser.pointee, bytes: bytes, documentIndex: builder.documentIndex)
            }
            defer { yaml_event_delete(event) }
            if event.pointee.type == YAML_STREAM_END_EVENT { return builder.documents }
            do {
                try handle(event.pointee, builder: &builder)
            } catch {
                var error = error
                error.documentIndex = error.documentIndex ?? builder.documentIndex
                throw error
            }
        }
    }

    private static func handle(_ event: yaml_event_t, builder: inout TreeBuilder) throws(YAMLError) {
        let mark = Mark(event.start_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            builder.startDocument(at: mark)
        case YAML_DOCUMENT_END_EVENT:
            builder.endDocument()
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            try builder.scalar(
                text, style: style(scalar.style), tag: string(scalar.tag), anchor: string(scalar.anchor), at: mark)
        case YAML_ALIAS_EVENT:
            try builder.alias(string(event.data.alias.anchor) ?? "", at: mark)
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            try builder.startCollection(.sequence, tag: string(start.tag), anchor: string(start.anchor), at: mark)
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            try builder.startCollection(.mapping, tag: string(start.tag), anchor: string(start.anchor), at: mark)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            try builder.endCollection()
        default:
            break  // stream start, and no-op events
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private static func style(_ style: yaml_scalar_style_t) -> Node.ScalarStyle {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: return .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: return .literal
        case YAML_FOLDED_SCALAR_STYLE: return .folded
        default: return .plain
        }
    }

    /// libyaml's own problem text at its problem mark, plus its context ("while parsing a
    /// block mapping") and where that context started, when it gives one.
    private static func libyamlError(
        _ parser: yaml_parser_t, bytes: UnsafeBufferPointer<UInt8>, documentIndex: Int
    ) -> YAMLError {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown libyaml error"
        switch parser.error {
        case YAML_MEMORY_ERROR:
            return YAMLError(.syntax, "libyaml ran out of memory", documentIndex: documentIndex)
        case YAML_READER_ERROR:
            var message = problem
            if parser.problem_value != -1 {
                message += " (character 0x\(String(parser.problem_value, radix: 16, uppercase: true)))"
            }
            let mark = markForByteOffset(parser.problem_offset, in: bytes)
            return YAMLError(.syntax, message, mark: mark, documentIndex: documentIndex)
        default:
            var message = problem
            if let context = parser.context.map({ String(cString: $0) }) {
                message += " (\(context) at \(Mark(parser.context_mark)))"
            }
            return YAMLError(.syntax, message, mark: Mark(parser.problem_mark), documentIndex: documentIndex)
        }
    }

    /// Reader errors carry a byte offset only; turn it into a line and (character) column.
    static func markForByteOffset(_ offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Mark {
        var line = 1
        var column = 1
        for byte in bytes.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return Mark(line: line, column: column)
    }
}
