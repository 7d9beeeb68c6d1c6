/// The one error type of SkiffDNS. Every malformed packet or name maps to a `Code`; the responder turns any of them
/// into FORMERR (or a drop when not even a header could be read).
public struct DNSError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Extensible, like ServiceLifecycle's error codes: new cases do not break callers' switches.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }

        /// The packet ended before a field did.
        public static let truncated = Code("truncated")
        /// A compression pointer that is not strictly before every earlier part of the name (loops, forward jumps).
        public static let badPointer = Code("bad compression pointer")
        /// A label longer than 63 bytes, or an empty label in text.
        public static let labelTooLong = Code("label too long")
        /// A name longer than 255 bytes in wire form.
        public static let nameTooLong = Code("name too long")
        /// Label types 0x40 and 0x80 (obsolete extended labels).
        public static let badLabelType = Code("bad label type")
        /// Section counts that cannot fit in the packet's size.
        public static let countExceedsPacket = Code("counts exceed packet size")
        /// RDATA whose content does not match its type or its RDLENGTH.
        public static let badRData = Code("bad rdata")
        /// A second OPT record, or an OPT outside the additional section or not at the root.
        public static let badOPT = Code("bad OPT record")
        /// Text that is not a valid name or address.
        public static let badText = Code("bad text")
    }

    public let code: Code
    /// The byte offset where the problem was found (0 for text).
    public let offset: Int

    public init(_ code: Code, at offset: Int = 0) {
        self.code = code
        self.offset = offset
    }

    public var description: String { "\(code) at offset \(offset)" }
}
