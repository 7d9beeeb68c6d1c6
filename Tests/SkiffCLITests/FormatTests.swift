import Foundation
import SkiffAPI
import Testing
@testable import SkiffCLI

@Suite struct AgeTests {
    /// apimachinery's HumanDuration, case by case (the values its own tests use, and the edges between units).
    @Test(arguments: [
        (-3.0, "<invalid>"), (-1.5, "0s"), (0, "0s"), (5, "5s"), (119, "119s"), (120, "2m"), (150, "2m30s"),
        (599, "9m59s"), (600, "10m"), (3 * 3600 - 1, "179m"), (3 * 3600, "3h"), (3 * 3600 + 60 * 10, "3h10m"),
        (8 * 3600, "8h"), (47 * 3600 + 59 * 60, "47h"), (48 * 3600, "2d"), (2 * 86400 + 4 * 3600, "2d4h"),
        (8 * 86400, "8d"), (364 * 86400, "364d"), (2 * 365 * 86400, "2y"), (2 * 365 * 86400 + 20 * 86400, "2y20d"),
        (8 * 365 * 86400, "8y"), (20 * 365 * 86400, "20y"),
    ] as [(TimeInterval, String)])
    func humanDuration(seconds: TimeInterval, expected: String) {
        #expect(Age.format(seconds) == expected)
    }

    @Test func unknownWithoutTimestamp() {
        #expect(Age.since(nil, now: fixedNow) == "<unknown>")
        #expect(Age.since(ago(300), now: fixedNow) == "5m")
    }
}

@Suite struct TabWriterTests {
    @Test func kubectlTableWidths() {
        // minimum width 6, padding 3; the last column is not padded.
        let text = "NAME\tTYPE\tCLUSTER-IP\tPORT(S)\tX\tAGE\nkubernetes\tClusterIP\t10.96.0.1\t443/TCP\ty\t5d\n"
        #expect(TabWriter.table.format(text) == """
            NAME         TYPE        CLUSTER-IP   PORT(S)   X     AGE
            kubernetes   ClusterIP   10.96.0.1    443/TCP   y     5d

            """)
    }

    @Test func columnBlocksEndAtLinesWithoutThatColumn() {
        // As in Go: "Port:" lines align their name cell only with themselves; a line without tabs breaks blocks.
        let text = "Name:\tent\nPort:\thttp\t80/TCP\nTargetPort:\thttp/TCP\nConditions:\n  Type\tStatus\n  Ready \tTrue \n"
        #expect(TabWriter.describe.format(text) == """
            Name:        ent
            Port:        http  80/TCP
            TargetPort:  http/TCP
            Conditions:
              Type    Status
              Ready   True\u{20}

            """)
    }

    @Test func widthCountsUnicodeScalars() {
        #expect(TabWriter(minWidth: 0, padding: 1).format("é\tx\nab\ty\n") == "é  x\nab y\n")
    }
}

@Suite struct DurationTextTests {
    @Test(arguments: [
        ("10s", Duration.seconds(10)), ("1m30s", .seconds(90)), ("500ms", .milliseconds(500)), ("2h", .seconds(7200)),
        ("5", .seconds(5)), ("0", DurationText.unlimited), ("0s", DurationText.unlimited),
    ])
    func parses(text: String, expected: Duration) throws {
        #expect(try DurationText.parse(text) == expected)
    }

    @Test(arguments: ["", "ten", "10x", "-5", "s10"])
    func rejects(text: String) {
        #expect(throws: CLIError.self) { try DurationText.parse(text) }
    }
}

@Suite struct OrderedJSONTests {
    @Test func prettyPrintsInServerOrderWithFourSpaces() throws {
        let data = Data(#"{"kind":"Service","apiVersion":"v1","metadata":{"name":"ent","labels":{"kubernetes.io\/name":"x"}},"spec":{"ports":[{"port":80}],"selector":{},"ips":[]},"ok":true,"n":null,"f":1.5e3}"#.utf8)
        let value = try OrderedJSON(parsing: data)
        #expect(value.pretty == """
            {
                "kind": "Service",
                "apiVersion": "v1",
                "metadata": {
                    "name": "ent",
                    "labels": {
                        "kubernetes.io/name": "x"
                    }
                },
                "spec": {
                    "ports": [
                        {
                            "port": 80
                        }
                    ],
                    "selector": {},
                    "ips": []
                },
                "ok": true,
                "n": null,
                "f": 1.5e3
            }
            """)
        #expect(try OrderedJSON(parsing: Data(value.compact.utf8)) == value)
    }

    @Test func sortsKeysAsGoDoes() throws {
        let value = try OrderedJSON(parsing: Data(#"{"spec":{"b":1,"a":[{"z":1,"Z":2}]},"kind":"Service","apiVersion":"v1"}"#.utf8))
        #expect(value.sortedKeys.compact == #"{"apiVersion":"v1","kind":"Service","spec":{"a":[{"Z":2,"z":1}],"b":1}}"#)
    }

    @Test func escapesRoundTrip() throws {
        let value = try OrderedJSON(parsing: Data(#"{"a":"line\nquote\" tab\t \u00e9 \ud83d\ude00 \\"}"#.utf8))
        #expect(value["a"] == .string("line\nquote\" tab\t é 😀 \\"))
        #expect(value.compact == #"{"a":"line\nquote\" tab\t é 😀 \\"}"#)
    }

    @Test(arguments: ["{", "[1,]", #"{"a" 1}"#, "tru", "{} x"])
    func rejectsInvalid(text: String) {
        #expect(throws: CLIError.self) { try OrderedJSON(parsing: Data(text.utf8)) }
    }
}

@Suite struct ArgumentTests {
    @Test(arguments: [
        (["--server", "ipc:///a", "--request-timeout", "10s", "get", "svc"], ["get", "--server", "ipc:///a", "--request-timeout", "10s", "svc"]),
        (["-n", "shop", "get", "po", "-owide"], ["get", "-n", "shop", "po", "-o", "wide"]),
        (["--namespace=shop", "describe", "svc"], ["describe", "--namespace=shop", "svc"]),
        (["get", "svc", "-nshop", "-o=json"], ["get", "svc", "-n", "shop", "-o", "json"]),
        (["--help"], ["--help"]),
        (["-o", "yaml", "get", "svc"], ["-o", "yaml", "get", "svc"]),
    ])
    func globalFlagsMoveBehindTheSubcommand(arguments: [String], expected: [String]) {
        #expect(GlobalArguments.normalize(arguments) == expected)
    }

    @Test func resourceArguments() throws {
        let plain = try ResourceArguments.parse(["svc,po", "ent"], verb: "get")
        #expect(plain.map(\.resource.plural) == ["services", "pods"])
        #expect(plain.map(\.names) == [["ent"], ["ent"]])
        let slashed = try ResourceArguments.parse(["svc/ent", "po/ent-1", "service/web"], verb: "get")
        #expect(slashed.map(\.resource.plural) == ["services", "pods"])
        #expect(slashed[0].names == ["ent", "web"])
        #expect(try ResourceArguments.parse(["all"], verb: "get").map(\.resource.plural) == ["pods", "services"])
        #expect(try ResourceArguments.parse(["endpointslices.discovery.k8s.io"], verb: "get").first?.resource.kind == "EndpointSlice")
        #expect(throws: CLIError(.usage, "the server doesn't have a resource type \"deployments\"")) {
            try ResourceArguments.parse(["deployments"], verb: "get")
        }
        #expect(throws: CLIError.self) { try ResourceArguments.parse([], verb: "get") }
        #expect(throws: CLIError.self) { try ResourceArguments.parse(["svc", "po/x"], verb: "get") }
    }
}
