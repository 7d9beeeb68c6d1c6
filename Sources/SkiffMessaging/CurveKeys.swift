import CZeroMQ
import Foundation

/// A CURVE key pair in Z85 (40 characters each), libzmq's own encryption of the wire (docs/SECURITY.md).
///
/// The apiserver holds a long-term pair: its secret key in a file only it may read, its public key in every
/// client's config. Clients make an ephemeral pair per socket: the server authenticates users by their bearer
/// tokens, not by client keys, so a client key needs no distribution.
public struct CurveKeyPair: Sendable, Equatable {
    public var publicKey: String
    public var secretKey: String

    public init(publicKey: String, secretKey: String) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// A fresh random pair (`zmq_curve_keypair`).
    public static func generate() throws(MessagingError) -> CurveKeyPair {
        var publicKey = [CChar](repeating: 0, count: 41)
        var secretKey = [CChar](repeating: 0, count: 41)
        guard zmq_curve_keypair(&publicKey, &secretKey) == 0 else {
            throw .zmq("zmq_curve_keypair (is libzmq built with CURVE?)")
        }
        return CurveKeyPair(publicKey: Self.string(publicKey), secretKey: Self.string(secretKey))
    }

    /// The pair of a secret key (`zmq_curve_public` derives the public half).
    public init(secretKey: String) throws(MessagingError) {
        guard Self.isValidKey(secretKey) else { throw MessagingError(.zmq, "a CURVE key is 40 Z85 characters") }
        var publicKey = [CChar](repeating: 0, count: 41)
        guard zmq_curve_public(&publicKey, secretKey) == 0 else { throw .zmq("zmq_curve_public") }
        self.init(publicKey: Self.string(publicKey), secretKey: secretKey)
    }

    /// Reads a secret key file: one line, the 40-character Z85 secret key (`#` lines are comments). Refuses a file
    /// that others may read or write (it must be mode 0600 or stricter), as ssh does for its keys.
    public static func load(secretKeyFile path: String) throws(MessagingError) -> CurveKeyPair {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw MessagingError(.zmq, "CURVE secret key file \(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw MessagingError(.zmq, "CURVE secret key file \(path) has mode \(String(info.st_mode & 0o777, radix: 8)); it must be 0600 (chmod 600 \(path))")
        }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw MessagingError(.zmq, "CURVE secret key file \(path): \(error.localizedDescription)")
        }
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard lines.count == 1, isValidKey(lines[0]) else {
            throw MessagingError(.zmq, "CURVE secret key file \(path): expected one line with a 40-character Z85 key (apiserver keygen writes one)")
        }
        return try CurveKeyPair(secretKey: lines[0])
    }

    /// Writes the secret key to `path` with mode 0600 (created exclusively: an existing file is not overwritten).
    public func writeSecretKey(to path: String) throws(MessagingError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw MessagingError(.zmq, "cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let text = "# CURVE secret key (Z85) of the Skiff apiserver; public key \(publicKey)\n\(secretKey)\n"
        let written = text.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
        guard written == text.utf8.count else { throw MessagingError(.zmq, "cannot write \(path): \(String(cString: strerror(errno)))") }
    }

    /// 40 characters of the Z85 alphabet (a 32-byte key).
    public static func isValidKey(_ key: String) -> Bool {
        key.utf8.count == 40 && key.utf8.allSatisfy { z85.contains($0) }
    }

    private static let z85 = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#".utf8)

    private static func string(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension ZMQSocket {
    /// Makes this (bound) socket a CURVE server: every connection must complete a CURVE handshake with this key.
    func configureCurveServer(_ keys: CurveKeyPair) throws(MessagingError) {
        try setOption(ZMQ_CURVE_SERVER, 1)
        try setOption(ZMQ_CURVE_SECRETKEY, bytes: Array(keys.secretKey.utf8))
    }

    /// Makes this (connecting) socket a CURVE client of the server with public key `serverKey`, with an ephemeral
    /// key pair of its own.
    func configureCurveClient(serverKey: String) throws(MessagingError) {
        guard CurveKeyPair.isValidKey(serverKey) else {
            throw MessagingError(.zmq, "the server's CURVE public key must be 40 Z85 characters, got \(serverKey.utf8.count)")
        }
        let own = try CurveKeyPair.generate()
        try setOption(ZMQ_CURVE_SERVERKEY, bytes: Array(serverKey.utf8))
        try setOption(ZMQ_CURVE_PUBLICKEY, bytes: Array(own.publicKey.utf8))
        try setOption(ZMQ_CURVE_SECRETKEY, bytes: Array(own.secretKey.utf8))
    }
}
