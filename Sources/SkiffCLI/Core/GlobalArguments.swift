/// kubectl accepts its global flags anywhere: `kubectl -n shop get svc` and `kubectl get svc -n shop`.
/// The argument parser reads a subcommand's options only after the subcommand's name, so the global flags that
/// come before it are moved behind it; attached short values (`-oyaml`, `-nshop`) are split, as kubectl allows them.
public enum GlobalArguments {
    /// Global options that take a value.
    public static let valued: Set<String> = ["--server", "--token", "--server-key", "--config", "--request-timeout", "-n", "--namespace"]
    /// Short options of any command whose value may be attached (`-owide`).
    public static let attachable: Set<Character> = ["o", "n", "l", "f"]

    public static func normalize(_ arguments: [String]) -> [String] {
        let split = arguments.flatMap(splitAttached)
        var index = 0
        while index < split.count, split[index].hasPrefix("-"), split[index] != "--" {
            let option = split[index]
            guard option.contains("=") || valued.contains(option) else { return split }
            index += option.contains("=") ? 1 : 2
        }
        guard index > 0, index < split.count else { return split }
        return [split[index]] + split[..<index] + split[(index + 1)...]
    }

    /// `-oyaml` -> `-o`, `yaml`; everything else unchanged.
    static func splitAttached(_ argument: String) -> [String] {
        let characters = Array(argument)
        guard characters.count > 2, characters[0] == "-", characters[1] != "-", attachable.contains(characters[1]) else { return [argument] }
        var value = String(characters[2...])
        if value.hasPrefix("=") { value.removeFirst() }
        return ["-" + String(characters[1]), value]
    }
}
