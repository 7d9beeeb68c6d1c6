import ArgumentParser
import Foundation
import SkiffMessaging

/// `apiserver keygen PATH`: the apiserver's CURVE key pair. Creates PATH (the secret key, mode 0600) unless it
/// exists, and prints the public key, which clients need (`server-key:` in their config, or `--server-key`).
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Create a CURVE secret key file (mode 0600) unless it exists; print its public key.")

    @Argument(help: ArgumentHelp("The secret key file for --curve-secret-key-file.", valueName: "path"))
    var path: String

    func run() throws {
        let keys: CurveKeyPair
        if FileManager.default.fileExists(atPath: path) {
            keys = try CurveKeyPair.load(secretKeyFile: path)
        } else {
            keys = try CurveKeyPair.generate()
            try keys.writeSecretKey(to: path)
        }
        print(keys.publicKey)
    }
}
