import Foundation
import Testing

/// The user path of the foundation issue, with the real apiserver and the real skiffctl.
@Suite(.serialized) struct ApplyGetDescribeTests {
    static let manifest = """
        # the example app, as in manifests/
        apiVersion: v1
        kind: Service
        metadata:
          name: ent
          labels: {app: ent}
        spec:
          selector:
            app: ent
          ports:
          - name: http
            port: 80
            targetPort: http
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: ent-1
          labels: {app: ent}
        spec:
          containers:
          - name: server
            image: registry.k8s.io/e2e-test-images/agnhost:2.39
            ports:
            - {name: http, containerPort: 8080}
        ...
        """

    @Test func applyGetDescribeDelete() async throws {
        let cluster = try ClusterHarness()
        try await cluster.startAPIServer()
        let file = try cluster.write("ent.yaml", Self.manifest)

        let applied = await cluster.skiffctl(["apply", "-f", file])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout.contains("service/ent created"))
        #expect(applied.stdout.contains("pod/ent-1 created"))

        let again = await cluster.skiffctl(["apply", "-f", file])
        #expect(again.stdout.contains("service/ent unchanged"), "\(again.stdout)\(again.stderr)")

        let table = await cluster.skiffctl(["get", "svc", "-A", "-o", "wide"])
        #expect(table.status == 0)
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                == ["NAMESPACE", "NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR"])
        let ent = try #require(lines.first { $0.contains(" ent ") })
        #expect(ent.contains("127.96.1.1"))
        #expect(ent.contains("80/TCP"))
        #expect(ent.contains("app=ent"))
        #expect(lines.contains { $0.contains("kube-dns") && $0.contains("127.96.0.10") })

        let json = await cluster.skiffctl(["get", "svc", "ent", "-o", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["kind"] as? String == "Service")

        let describe = await cluster.skiffctl(["describe", "svc", "ent"])
        #expect(describe.status == 0)
        for expected in ["Name:", "ent", "Namespace:", "default", "Selector:", "app=ent", "IP:", "127.96.1.1", "TargetPort:", "http"] {
            #expect(describe.stdout.contains(expected), "describe lacks \(expected):\n\(describe.stdout)")
        }

        let deleted = await cluster.skiffctl(["delete", "svc", "ent"])
        #expect(deleted.stdout.contains("service \"ent\" deleted"), "\(deleted.stdout)\(deleted.stderr)")
        let missing = await cluster.skiffctl(["get", "svc", "ent"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("NotFound"))
        #expect(try await cluster.stopAPIServer() == 0, "SIGTERM is a clean exit")
    }

    @Test func anInvalidDocumentAppliesNothing() async throws {
        let cluster = try ClusterHarness()
        try await cluster.startAPIServer()
        let file = try cluster.write("svc.yaml", """
            apiVersion: v1
            kind: Service
            metadata: {name: good}
            spec:
              ports: [{port: 80}]
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: bad
            spec:
              ports:
              - name: http
                port: 70000
            """)
        let result = await cluster.skiffctl(["apply", "-f", file])
        #expect(result.status != 0)
        #expect(result.stderr.contains("svc.yaml: document 2, line 14, column 11: spec.ports[0].port"), "\(result.stderr)")
        #expect(await cluster.skiffctl(["get", "svc", "good"]).status != 0, "nothing from the file was applied")

        let unknown = try cluster.write("deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n")
        let refused = await cluster.skiffctl(["apply", "-f", unknown])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("Deployment"))
        #expect(refused.stderr.contains("Service"), "the error lists what is served")
    }

    @Test func stdinAndServerSideErrorsAreLocated() async throws {
        let cluster = try ClusterHarness()
        try await cluster.startAPIServer()
        // Valid locally, refused by the server: the IP is outside the service range. The error points at the line.
        let result = await cluster.skiffctl(["apply", "-f", "-"], stdin: """
            apiVersion: v1
            kind: Service
            metadata: {name: pinned}
            spec:
              clusterIP: 10.0.0.1
              ports: [{port: 80}]
            """)
        #expect(result.status != 0)
        #expect(result.stderr.contains("<stdin>"), "\(result.stderr)")
        #expect(result.stderr.contains("not in the valid range"), "\(result.stderr)")
    }
}
