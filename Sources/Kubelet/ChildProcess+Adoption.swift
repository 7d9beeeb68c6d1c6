import Foundation

/// Containers outlive their kubelet, as they outlive a real kubelet (the container runtime keeps them): a
/// restarted kubelet finds each one from a record written when it was started and adopts it instead of starting
/// a second copy next to it.
extension ChildProcess {
    /// Identifies a process across kubelet restarts: its pid, and its start time (clock ticks after boot, field 22
    /// of /proc/PID/stat), which tells it from a later process that was given the same pid.
    public struct Record: Sendable, Equatable {
        public var pid: pid_t
        public var startTime: UInt64

        public init(pid: pid_t, startTime: UInt64) {
            self.pid = pid
            self.startTime = startTime
        }

        /// `"PID START"`, the format of the record file.
        public init?(text: String) {
            let fields = text.split(whereSeparator: \.isWhitespace)
            guard fields.count == 2, let pid = pid_t(fields[0]), let start = UInt64(fields[1]) else { return nil }
            self.init(pid: pid, startTime: start)
        }

        public var text: String { "\(pid) \(startTime)\n" }
    }

    /// What Kubernetes reports as the exit code of a container whose end it could not observe
    /// (ContainerStatusUnknown): only a parent learns a process's exit status, and an adopted process's parent
    /// was the previous kubelet.
    public static let unknownExitCode: Int32 = 137

    /// This process's record; nil once it has exited.
    public var record: Record? { Self.startTime(of: pid).map { Record(pid: pid, startTime: $0) } }

    /// Watches the process of `record` if it still runs (nil if not): `onExit` is called once, with
    /// `unknownExitCode`, from a thread of its own that polls every `poll`.
    public static func adopt(_ record: Record, poll: Duration = .milliseconds(100),
                             onExit: @escaping @Sendable (Int32) -> Void) -> ChildProcess? {
        guard startTime(of: record.pid) == record.startTime else { return nil }
        let interval = Double(poll.components.seconds) + Double(poll.components.attoseconds) / 1e18
        let thread = Thread {
            while startTime(of: record.pid) == record.startTime { Thread.sleep(forTimeInterval: interval) }
            onExit(unknownExitCode)
        }
        thread.name = "skiff-adopted-\(record.pid)"
        thread.start()
        return ChildProcess(pid: record.pid)
    }

    /// The start time of a live process (nil when there is none, or only its zombie).
    static func startTime(of pid: pid_t) -> UInt64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // After the command name: field 3 (the state) is first, so field 22 is at index 19.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, fields[0] != "Z" else { return nil }
        return UInt64(fields[19])
    }
}
