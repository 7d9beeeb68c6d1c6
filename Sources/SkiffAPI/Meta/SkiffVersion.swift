/// The version every Skiff executable reports (`skiffctl version`, the apiserver's `discover`).
public enum SkiffVersion {
    public static let current = "v0.1.0"
}
