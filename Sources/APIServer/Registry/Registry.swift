import Foundation
import SkiffAPI
import SkiffJSON
import SkiffStore

/// The apiserver's object registry: every read and write of API objects goes through here, so admission,
/// allocation and the store's revision rules apply to all of them alike (Kubernetes' generic registry).
final class Registry: Sendable {
    let store: any Store
    let admission: AdmissionChain
    /// How many times an update without a user-given precondition is retried after losing a race.
    static let conflictRetries = 5

    init(store: any Store, admission: AdmissionChain) {
        self.store = store
        self.admission = admission
    }

    static func key(_ resource: ResourceInfo, namespace: String, name: String) -> StoreKey {
        StoreKey(resource: resource.plural, namespace: resource.namespaced ? namespace : "", name: name)
    }

    func get<T: APIObject>(_ type: T.Type, namespace: String, name: String) async throws(Status) -> StoredObject {
        let stored: StoredObject?
        do {
            stored = try await store.get(Self.key(T.resource, namespace: namespace, name: name))
        } catch {
            throw .from(error, resource: T.resource, name: name)
        }
        guard let stored else { throw .notFound(T.resource, name) }
        return stored
    }

    func getObject<T: APIObject>(_ type: T.Type, namespace: String, name: String) async throws(Status) -> (T, StoredObject) {
        let stored = try await get(type, namespace: namespace, name: name)
        return (try ObjectCodec.decode(T.self, from: stored.value), stored)
    }

    /// A `List` body spliced from the stored bytes, so listing 10,000 objects decodes none of them
    /// (unless a label selector needs their labels).
    func list(_ resource: ResourceInfo, namespace: String?, selector: Selector?) async throws(Status) -> Data {
        let result: (objects: [StoredObject], revision: Revision)
        do {
            result = try await store.list(resource: resource.plural, namespace: resource.namespaced ? namespace : nil, atRevision: nil)
        } catch {
            throw .from(error, resource: resource, name: "")
        }
        var body = Data(#"{"apiVersion":"\#(resource.apiVersion)","kind":"\#(resource.kind)List","metadata":{"resourceVersion":"\#(result.revision)"},"items":["#.utf8)
        var first = true
        for object in result.objects {
            if let selector, !selector.isEmpty {
                let labels = (try? FastJSONDecoder.decode(ObjectHeader.self, from: object.value))?.metadata?.labels ?? [:]
                guard selector.matches(labels) else { continue }
            }
            if !first { body.append(UInt8(ascii: ",")) }
            body.append(object.value)
            first = false
        }
        body.append(contentsOf: Array("]}".utf8))
        return body
    }

    /// Commits planned writes in one transaction (or one write), then settles their allocations.
    func commit(_ plans: [PlannedWrite]) async throws(Status) -> [StoreEvent] {
        var plans = plans
        let writing = plans.filter { $0.write != nil }
        let writes = writing.compactMap(\.write)
        guard !writes.isEmpty else { return [] }
        do {
            let events = writes.count == 1
                ? [try await store.write(writes[0], timing: writing[0].timing)]
                : try await store.writeAll(writes, timings: writing.map(\.timing))
            for index in plans.indices { plans[index].reservation.commit() }
            return events
        } catch {
            for index in plans.indices { plans[index].reservation.rollback() }
            let failed = plans.first { $0.write != nil }
            throw .from(error, resource: failed?.resource ?? Namespace.resource, name: failed?.name ?? "")
        }
    }
}

/// One admitted write, ready to commit. `write` is nil when nothing changed.
struct PlannedWrite: Sendable {
    enum Action: String, Sendable, Codable { case created, configured, unchanged, deleted }

    var action: Action
    var resource: ResourceInfo
    var name: String
    var write: StoreWrite?
    /// The object as it will be stored (without its new resourceVersion), or as it is stored when unchanged.
    var object: any APIObject
    var reservation: Reservation
    /// When the request behind it was received, authorized and admitted (nil outside a request).
    var timing: WriteTiming? = RequestClock.timing(admitted: nil)

    mutating func rollback() { reservation.rollback() }
}

extension Registry {
    /// The versions of one object written at or after revision `since` still in the store's history, oldest
    /// first, with commit times and request timings: an `ObjectHistory` body spliced from the stored bytes. 404 when
    /// there are none.
    func history<T: APIObject>(_ type: T.Type, namespace: String, name: String, since: Int64) async throws(Status) -> Data {
        let entries: [StoreHistoryEntry]
        do {
            entries = try await store.history(of: Self.key(T.resource, namespace: namespace, name: name), since: since)
        } catch {
            throw .from(error, resource: T.resource, name: name)
        }
        guard !entries.isEmpty else { throw .notFound(T.resource, name) }
        var body = Data(#"{"kind":"ObjectHistory","items":["#.utf8)
        for (index, entry) in entries.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            let committed = entry.committed.map { "\"\(MicroTime($0).rfc3339)\"" } ?? "null"
            body.append(Data(#"{"revision":\#(entry.object.modRevision),"type":"\#(entry.type.rawValue)","committed":\#(committed),"#.utf8))
            if let timing = entry.timing { body.append(Self.timingJSON(timing)) }
            body.append(Data(#""object":"#.utf8))
            body.append(entry.object.value)
            body.append(UInt8(ascii: "}"))
        }
        body.append(Data("]}".utf8))
        return body
    }

    /// `"timing":{"received":"…",…},` with the times that are known (`WriteTimes` in SkiffAPI).
    static func timingJSON(_ timing: WriteTiming) -> Data {
        let fields: [(String, Date?)] = [("received", timing.received), ("authorized", timing.authorized),
                                         ("allocationStarted", timing.allocationStarted), ("allocated", timing.allocated),
                                         ("admitted", timing.admitted)]
        let known = fields.compactMap { name, date in date.map { "\"\(name)\":\"\(MicroTime($0).rfc3339)\"" } }
        return Data("\"timing\":{\(known.joined(separator: ","))},".utf8)
    }
}
