import Foundation

/// kube-apiserver's static token file (`--token-file`): CSV lines `token,user,uid,"group1,group2"`, the groups
/// column optional. Blank lines and lines starting with `#` are skipped; a token listed twice is an error (the
/// file is small and written by hand or by scripts/auth-bootstrap.sh, so a duplicate is a mistake).
public struct TokenFile: Sendable, Equatable {
    public var users: [String: UserInfo]

    public init(users: [String: UserInfo]) { self.users = users }

    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    public static func load(path: String) throws -> TokenFile {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ParseError(description: "--token-file \(path): \(error.localizedDescription)")
        }
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String = "token file") throws -> TokenFile {
        var users: [String: UserInfo] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\r")))
            if line.isEmpty || line.hasPrefix("#") { continue }
            let where_ = "\(path): line \(index + 1)"
            let fields = try csvFields(line, where: where_)
            guard fields.count >= 3 else { throw ParseError(description: "\(where_): expected token,user,uid[,\"group1,group2\"], got \(fields.count) field(s)") }
            let token = fields[0], name = fields[1]
            guard !token.isEmpty else { throw ParseError(description: "\(where_): the token is empty") }
            guard !name.isEmpty else { throw ParseError(description: "\(where_): the user name is empty") }
            guard users[token] == nil else { throw ParseError(description: "\(where_): duplicate token (user \(name))") }
            let groups = fields.count > 3 ? fields[3].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } : []
            users[token] = UserInfo(name: name, uid: fields[2], groups: groups)
        }
        return TokenFile(users: users)
    }

    /// RFC 4180 fields: commas separate, double quotes enclose, `""` inside quotes is one quote.
    static func csvFields(_ line: String, where location: String) throws -> [String] {
        var fields: [String] = [], current = "", quoted = false, wasQuoted = false
        var iterator = Array(line).makeIterator()
        while let character = iterator.next() {
            if quoted {
                if character == "\"" {
                    var lookahead = iterator
                    if lookahead.next() == "\"" { current.append("\""); iterator = lookahead } else { quoted = false }
                } else {
                    current.append(character)
                }
            } else if character == "\"" && current.isEmpty && !wasQuoted {
                quoted = true
                wasQuoted = true
            } else if character == "," {
                fields.append(current)
                current = ""
                wasQuoted = false
            } else {
                current.append(character)
            }
        }
        if quoted { throw ParseError(description: "\(location): unterminated quoted field") }
        fields.append(current)
        return fields
    }
}
