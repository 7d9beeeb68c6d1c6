import Foundation
import NodeProxy
import Synchronization
import Testing

/// A snapshot and the ipvsadm-restore input a full sync writes for it.
struct IPVSCase: Sendable, CustomTestStringConvertible {
    var name: String
    var options: IPVSOptions
    var snapshot: ProxySnapshot
    var expected: String
    var testDescription: String { name }

    static let all: [IPVSCase] = {
        let (web, db) = (NFTFixtures.web, NFTFixtures.db)
        let dns = ServicePortName(namespace: "kube-system", name: "kube-dns", port: "dns", protocol: .udp)
        var affinity = NFTFixtures.webInfo
        affinity.sessionAffinity = .clientIP(timeoutSeconds: 60)
        var nodePort = NFTFixtures.webInfo
        nodePort.nodePort = 30080
        return [
            IPVSCase(name: "one service, three endpoints, round robin", options: .init(),
                     snapshot: NFTFixtures.snapshot([web: NFTFixtures.webInfo], [web: NFTFixtures.eps(3)]), expected: """
                -C
                -A -t 10.96.0.10:80 -s rr
                -a -t 10.96.0.10:80 -r 10.244.1.2:8080 -m -w 1
                -a -t 10.96.0.10:80 -r 10.244.2.2:8080 -m -w 1
                -a -t 10.96.0.10:80 -r 10.244.3.2:8080 -m -w 1

                """),
            IPVSCase(name: "ClientIP affinity is persistence; least-connection scheduler", options: .init(scheduler: .lc),
                     snapshot: NFTFixtures.snapshot([web: affinity], [web: NFTFixtures.eps(1)]), expected: """
                -C
                -A -t 10.96.0.10:80 -s lc -p 60
                -a -t 10.96.0.10:80 -r 10.244.1.2:8080 -m -w 1

                """),
            IPVSCase(name: "NodePort on the node address; UDP; a service without endpoints keeps its virtual server",
                     options: .init(scheduler: .sh, nodeAddresses: ["192.168.50.10"]),
                     snapshot: NFTFixtures.snapshot([
                        web: nodePort, db: NFTFixtures.dbInfo,
                        dns: ServicePortInfo(clusterIPs: ["10.96.0.53"], port: 53, protocol: .udp)],
                        [web: NFTFixtures.eps(1), dns: [EndpointInfo(ip: "10.244.7.2", port: 1053)]]), expected: """
                -C
                -A -u 10.96.0.53:53 -s sh
                -a -u 10.96.0.53:53 -r 10.244.7.2:1053 -m -w 1
                -A -t 10.96.0.11:5432 -s sh
                -A -t 10.96.0.10:80 -s sh
                -a -t 10.96.0.10:80 -r 10.244.1.2:8080 -m -w 1
                -A -t 192.168.50.10:30080 -s sh
                -a -t 192.168.50.10:30080 -r 10.244.1.2:8080 -m -w 1

                """),
            IPVSCase(name: "terminating fallback: serving terminating endpoints only when none is ready", options: .init(),
                     snapshot: NFTFixtures.snapshot([web: NFTFixtures.webInfo], [web: [
                        EndpointInfo(ip: "10.244.1.2", port: 8080, ready: false, serving: true, terminating: true),
                        EndpointInfo(ip: "10.244.2.2", port: 8080, ready: false, serving: false, terminating: true)]]), expected: """
                -C
                -A -t 10.96.0.10:80 -s rr
                -a -t 10.96.0.10:80 -r 10.244.1.2:8080 -m -w 1

                """),
        ]
    }()
}

struct IPVSRendererTests {
    @Test(arguments: IPVSCase.all)
    func fullSyncRendersRestoreInput(_ testCase: IPVSCase) {
        let transaction = IPVSRenderer(options: testCase.options).render(ProxyUpdate(snapshot: testCase.snapshot, changed: [], full: true), programmed: [:])
        #expect(transaction.text == testCase.expected)
        #expect(transaction.lines == testCase.expected.split(separator: "\n").count)
    }

    @Test func partialSyncWritesOnlyTheChangedServices() {
        let renderer = IPVSRenderer()
        let (web, db) = (NFTFixtures.web, NFTFixtures.db)
        let before = NFTFixtures.snapshot([web: NFTFixtures.webInfo, db: NFTFixtures.dbInfo], [web: NFTFixtures.eps(3), db: NFTFixtures.eps(1, port: 5432)])
        let programmed = renderer.render(ProxyUpdate(snapshot: before, changed: [], full: true), programmed: [:]).updates.compactMapValues { $0 }
        var affinity = NFTFixtures.webInfo
        affinity.sessionAffinity = .clientIP(timeoutSeconds: 30)
        // web: one endpoint replaced and affinity switched on; db: removed.
        let after = NFTFixtures.snapshot([web: affinity], [web: [EndpointInfo(ip: "10.244.1.2", port: 8080), EndpointInfo(ip: "10.244.2.2", port: 8080), EndpointInfo(ip: "10.244.4.2", port: 8080)]])
        let transaction = renderer.render(ProxyUpdate(snapshot: after, changed: [web, db], full: false), programmed: programmed)
        #expect(transaction.text == """
            -D -t 10.96.0.11:5432
            -E -t 10.96.0.10:80 -s rr -p 30
            -d -t 10.96.0.10:80 -r 10.244.3.2:8080
            -a -t 10.96.0.10:80 -r 10.244.4.2:8080 -m -w 1

            """)
        #expect(!transaction.replacesAll)
        #expect(transaction.updates[db] == .some(nil))
    }

    @Test func unchangedPortWritesNothing() {
        let renderer = IPVSRenderer()
        let snapshot = NFTFixtures.snapshot([NFTFixtures.web: NFTFixtures.webInfo], [NFTFixtures.web: NFTFixtures.eps(2)])
        let programmed = renderer.render(ProxyUpdate(snapshot: snapshot, changed: [], full: true), programmed: [:]).updates.compactMapValues { $0 }
        let transaction = renderer.render(ProxyUpdate(snapshot: snapshot, changed: [NFTFixtures.web], full: false), programmed: programmed)
        #expect(transaction.text == "" && transaction.lines == 0)
    }
}

struct IPVSProxierTests {
    @Test func dryRunReceivesEachSyncFullFirstThenPartial() async throws {
        let written = Mutex<[String]>([])
        let proxier = IPVSProxier(sink: IPVSDryRun { text in written.withLock { $0.append(text) } })
        #expect(proxier.mode == .ipvs)
        let three = NFTFixtures.snapshot([NFTFixtures.web: NFTFixtures.webInfo], [NFTFixtures.web: NFTFixtures.eps(3)])
        let two = NFTFixtures.snapshot([NFTFixtures.web: NFTFixtures.webInfo], [NFTFixtures.web: NFTFixtures.eps(2)])
        let first = try await proxier.sync(ProxyUpdate(snapshot: three, changed: [NFTFixtures.web], full: false))
        let second = try await proxier.sync(ProxyUpdate(snapshot: two, changed: [NFTFixtures.web], full: false))
        let texts = written.withLock { $0 }
        #expect(texts.count == 2)
        #expect(texts.first?.hasPrefix("-C\n") == true)
        #expect(texts.last == "-d -t 10.96.0.10:80 -r 10.244.3.2:8080\n")
        #expect(first.servicePorts == 1 && first.endpoints == 3 && first.rulesWritten == 5)
        #expect(second.endpoints == 2 && second.rulesWritten == 1)
    }

    @Test func dryRunWritesToAFileHandle() async throws {
        let pipe = Pipe()
        let proxier = IPVSProxier(sink: IPVSDryRun(fileHandle: pipe.fileHandleForWriting))
        _ = try await proxier.sync(ProxyUpdate(snapshot: NFTFixtures.snapshot([NFTFixtures.db: NFTFixtures.dbInfo]), changed: [], full: true))
        try pipe.fileHandleForWriting.close()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(text == "-C\n-A -t 10.96.0.11:5432 -s rr\n# sync\n")
    }

    @Test func kernelDetectionLooksForProcNetIPVS() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ip_vs-\(UUID().uuidString)").path
        #expect(!kernelHasIPVS(procPath: path))
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(kernelHasIPVS(procPath: path))
        // This machine's kernel has no IPVS (PLATFORM-NOTES); the default path agrees with /proc.
        #expect(kernelHasIPVS() == FileManager.default.fileExists(atPath: "/proc/net/ip_vs"))
    }
}
