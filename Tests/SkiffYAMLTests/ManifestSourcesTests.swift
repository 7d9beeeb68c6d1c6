import Foundation
import SkiffYAML
import Testing

/// A temporary directory tree, removed when the test ends.
private final class TempTree {
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("skiff-yaml-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func path(_ relative: String) -> String { root + "/" + relative }

    func write(_ relative: String, _ text: String) throws {
        try write(relative, Data(text.utf8))
    }

    func write(_ relative: String, _ data: Data) throws {
        let url = URL(fileURLWithPath: path(relative))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }
}

@Suite("ManifestSources")
struct ManifestSourcesTests {
    private func makeTree() throws -> TempTree {
        let tree = try TempTree()
        try tree.write("b.yaml", "kind: B\n")
        try tree.write("a.yml", "kind: A\n")
        try tree.write("c.json", #"{"kind": "C"}"#)
        try tree.write("B-upper.yaml", "kind: Upper\n")
        try tree.write("notes.txt", "not a manifest\n")
        try tree.write("shout.YAML", "kind: Shout\n")
        try tree.write("sub/d.yaml", "kind: D\n")
        try tree.write("sub/deeper/e.yaml", "kind: E\n")
        try tree.write("z.yaml", "kind: Z\n")
        return tree
    }

    @Test func directoryListsManifestsSortedByName() throws {
        let tree = try makeTree()
        let sources = try ManifestSources.load([tree.root])
        #expect(sources.map(\.name) == ["B-upper.yaml", "a.yml", "b.yaml", "c.json", "z.yaml"].map(tree.path))
        #expect(sources[1].text == "kind: A\n")
    }

    @Test func recursiveVisitsSubdirectoriesInPlace() throws {
        let tree = try makeTree()
        let sources = try ManifestSources.load([tree.root + "/"], recursive: true)
        #expect(
            sources.map(\.name)
                == ["B-upper.yaml", "a.yml", "b.yaml", "c.json", "sub/d.yaml", "sub/deeper/e.yaml", "z.yaml"].map {
                    tree.root + "/" + $0
                })
    }

    @Test func explicitFilesAreReadWhateverTheirExtension() throws {
        let tree = try makeTree()
        let sources = try ManifestSources.load([tree.path("notes.txt"), tree.path("a.yml")])
        #expect(sources == [
            ManifestSource(name: tree.path("notes.txt"), text: "not a manifest\n"),
            ManifestSource(name: tree.path("a.yml"), text: "kind: A\n"),
        ])
    }

    @Test func dashReadsStandardInputOnce() throws {
        let tree = try makeTree()
        var reads = 0
        let sources = try ManifestSources.load(["-", tree.path("z.yaml"), "-"]) {
            reads += 1
            return Data("kind: FromStdin\n".utf8)
        }
        #expect(reads == 1)
        #expect(sources.map(\.name) == ["<stdin>", tree.path("z.yaml")])
        #expect(sources[0].text == "kind: FromStdin\n")
    }

    @Test func missingPathIsNamed() throws {
        let tree = try makeTree()
        let missing = tree.path("nope.yaml")
        let error = yamlError { _ = try ManifestSources.load([tree.path("a.yml"), missing]) }
        #expect(error?.code == .notFound)
        #expect(error?.description == "the path \"\(missing)\" does not exist")
    }

    @Test func directoryWithoutManifestsIsAnError() throws {
        let tree = try TempTree()
        try tree.write("empty/readme.txt", "hi\n")
        try tree.write("empty/nested/x.yaml", "kind: X\n")
        let error = yamlError { _ = try ManifestSources.load([tree.path("empty")]) }
        #expect(error?.code == .noManifests)
        #expect(error?.message == "no manifest files (*.yaml, *.yml, *.json) in directory \"\(tree.path("empty"))\"")
        #expect(try ManifestSources.load([tree.path("empty")], recursive: true).map(\.text) == ["kind: X\n"])
    }

    @Test func nonUTF8ContentIsRefusedWithItsOffset() throws {
        let tree = try TempTree()
        try tree.write("latin1.yaml", Data([0x61, 0x3A, 0x20, 0xE9, 0x0A]))  // "a: é" in Latin-1
        let error = yamlError { _ = try ManifestSources.load([tree.path("latin1.yaml")]) }
        #expect(error?.code == .notUTF8)
        #expect(error?.message == "\"\(tree.path("latin1.yaml"))\" is not valid UTF-8 (invalid byte at offset 3)")
    }

    @Test func failingStandardInputIsUnreadable() {
        struct Closed: Error {}
        let error = yamlError { _ = try ManifestSources.load(["-"]) { throw Closed() } }
        #expect(error?.code == .unreadable)
    }
}
