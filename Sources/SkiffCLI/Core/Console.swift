import Foundation
import Synchronization

/// Where a command writes: standard output for results, standard error for errors and notices
/// ("No resources found ..."), as kubectl separates them so that `skiffctl get -o json | jq` works.
public protocol Console: Sendable {
    func out(_ text: String)
    func err(_ text: String)
}

/// The process's stdout and stderr.
public struct StandardConsole: Console {
    public init() {}

    public func out(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }
    public func err(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}

/// Collects output in memory, for tests.
public final class BufferConsole: Console {
    private let buffers = Mutex<(out: String, err: String)>(("", ""))

    public init() {}

    public func out(_ text: String) { buffers.withLock { $0.out += text } }
    public func err(_ text: String) { buffers.withLock { $0.err += text } }

    public var stdout: String { buffers.withLock { $0.out } }
    public var stderr: String { buffers.withLock { $0.err } }
}
