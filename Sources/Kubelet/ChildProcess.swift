#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A process started with `posix_spawnp`, in a process group of its own, with every signal unblocked and at
/// its default disposition.
///
/// Foundation's `Process` passes on the spawning thread's signal mask, and the threads of a Swift program that
/// handles SIGTERM (swift-service-lifecycle) block it: a container started that way would never see the
/// SIGTERM of a graceful stop. The own process group lets a stop reach the shell's children too.
///
/// The child gets no file descriptor of the kubelet but 0, 1 and 2: an inherited socket would keep the kubelet's
/// connections (and whatever waits for the end of the kubelet's output) alive as long as the container runs.
public struct ChildProcess: Sendable {
    public let pid: pid_t

    /// Starts `command` (looked up in PATH) with exactly `environment`, stdin from /dev/null and stdout+stderr
    /// appended to `output` (or discarded). `onExit` is called once, from a thread of its own, with the exit
    /// status (128+N for a signal N, as shells report it).
    public static func spawn(_ command: [String], environment: [String: String], output: String?,
                             onExit: @escaping @Sendable (Int32) -> Void) throws(KubeletError) -> ChildProcess {
        guard let executable = command.first, !executable.isEmpty else { throw KubeletError(.startFailed, "empty command") }
        closeOnExec()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv = command.map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw KubeletError(.startFailed, "cannot run \(executable): \(String(cString: strerror(result)))")
        }
        let spawned = pid
        let thread = Thread {
            var status: Int32 = 0
            while waitpid(spawned, &status, 0) < 0 && errno == EINTR {}
            // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as macros.
            let signal = status & 0x7f
            onExit(signal == 0 ? (status >> 8) & 0xff : 128 + signal)
        }
        thread.name = "skiff-child-\(pid)"
        thread.start()
        return ChildProcess(pid: pid)
    }

    /// Marks every descriptor above 2 close-on-exec. glibc's posix_spawn_file_actions_addclosefrom_np is not
    /// visible to Swift, and most descriptors of a Swift process (Foundation's, libzmq's, NIO's) are opened without
    /// O_CLOEXEC; none of them is meant for a container.
    static func closeOnExec() {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for entry in entries {
            guard let fd = Int32(entry), fd > 2 else { continue }
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0 && flags & FD_CLOEXEC == 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
    }

    /// Sends `signal` to the process and its process group.
    public func signal(_ signal: Int32) {
        kill(-pid, signal)
        kill(pid, signal)
    }
}
