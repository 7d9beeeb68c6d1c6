import Foundation
import SkiffAPI
import SkiffStore

extension Registry {
    /// How an update treats the incoming object.
    enum UpdateMode: Sendable {
        /// `update`: the object replaces the stored one; status is kept.
        case replace
        /// `update-status`: only the status is taken from the incoming object.
        case status
    }

    /// Admits a new object: server-set fields, then the admission chain. The returned plan holds its allocations.
    func planCreate<T: APIObject>(_ incoming: T, namespace: String, namespacesInBatch: Set<String> = []) async throws(Status) -> PlannedWrite {
        var object = incoming
        object.setTypeMeta()
        if T.resource.namespaced { object.metadata.namespace = namespace } else { object.metadata.namespace = nil }
        if object.metadata.name?.isEmpty ?? true, let prefix = object.metadata.generateName, !prefix.isEmpty {
            object.metadata.name = prefix + Self.randomSuffix()
        }
        object.metadata.uid = Self.newUID()
        object.metadata.creationTimestamp = .now()
        object.metadata.resourceVersion = nil
        object.metadata.generation = 1
        object.metadata.deletionTimestamp = nil
        Self.resetStatusOnCreate(&object)

        var request = AdmissionRequest(
            operation: .create, resource: T.resource, namespace: namespace, name: object.name, object: object, old: nil,
            namespacesInBatch: namespacesInBatch)
        try await admission.admit(&request)
        guard let admitted = request.object as? T else { throw .internalError("admission changed the kind of \(T.resource.kind)") }
        let key = Self.key(T.resource, namespace: namespace, name: admitted.name)
        return PlannedWrite(
            action: .created, resource: T.resource, name: admitted.name,
            write: .create(key) { revision in try ObjectCodec.encode(admitted, revision: revision) },
            object: admitted, reservation: request.reservation,
            timing: RequestClock.timing(admitted: Date(), allocation: request.allocation))
    }

    /// Admits a change to a stored object. Returns an `unchanged` plan without a write when the result equals
    /// what is stored, so re-applying a manifest is free and does not move resourceVersion.
    func planUpdate<T: APIObject>(_ incoming: T, current stored: StoredObject, mode: UpdateMode, precondition: String? = nil) async throws(Status) -> PlannedWrite {
        let old = try ObjectCodec.decode(T.self, from: stored.value)
        if let precondition, !precondition.isEmpty, precondition != String(stored.modRevision) {
            throw .conflict(T.resource, old.name, "the object has been modified; please apply your changes to the latest version and try again (resourceVersion \(precondition) is stale, current is \(stored.modRevision))")
        }
        var object: T
        switch mode {
        case .replace:
            object = incoming
            object.copyStatus(from: old)
            Self.keepServerOwnedSpec(&object, from: old)
        case .status:
            object = old
            object.copyStatus(from: incoming)
        }
        object.setTypeMeta()
        object.metadata.namespace = old.metadata.namespace
        object.metadata.uid = old.metadata.uid
        object.metadata.creationTimestamp = old.metadata.creationTimestamp
        object.metadata.deletionTimestamp = old.metadata.deletionTimestamp
        object.metadata.generation = old.metadata.generation
        object.metadata.resourceVersion = old.metadata.resourceVersion
        if mode == .status { object.metadata = old.metadata }

        var request = AdmissionRequest(
            operation: .update, resource: T.resource, namespace: old.namespace, name: old.name, object: object, old: old)
        try await admission.admit(&request)
        let admittedAt = Date()
        guard var admitted = request.object as? T else { throw .internalError("admission changed the kind of \(T.resource.kind)") }
        if Self.specChanged(admitted, old) {
            admitted.metadata.generation = (old.metadata.generation ?? 1) + 1
        }
        if admitted == old {
            request.reservation.rollback()
            return PlannedWrite(action: .unchanged, resource: T.resource, name: old.name, write: nil, object: old, reservation: Reservation())
        }
        let final = admitted
        return PlannedWrite(
            action: .configured, resource: T.resource, name: old.name,
            write: .update(stored.key, expectedRevision: stored.modRevision) { _, revision in try ObjectCodec.encode(final, revision: revision) },
            object: final, reservation: request.reservation,
            timing: RequestClock.timing(admitted: admittedAt, allocation: request.allocation))
    }

    /// A change outside metadata and status, which is what bumps metadata.generation in Kubernetes.
    static func specChanged<T: APIObject>(_ new: T, _ old: T) -> Bool {
        var comparable = new
        comparable.metadata = old.metadata
        comparable.copyStatus(from: old)
        return comparable != old
    }

    /// Fields the server filled in that a user's manifest usually leaves out: an update that omits them keeps
    /// them (Kubernetes does the same for clusterIP), so applying the same manifest twice changes nothing.
    static func keepServerOwnedSpec<T: APIObject>(_ object: inout T, from old: T) {
        // A Pod's binding is the scheduler's: re-applying a manifest without nodeName keeps it.
        if var pod = object as? Pod, let oldPod = old as? Pod, (pod.spec?.nodeName ?? "").isEmpty, pod.spec != nil {
            pod.spec?.nodeName = oldPod.spec?.nodeName
            if let typed = pod as? T { object = typed }
            return
        }
        guard var service = object as? Service, let oldService = old as? Service, var spec = service.spec else { return }
        let oldSpec = oldService.spec
        if spec.type ?? oldSpec?.type == oldSpec?.type {
            if spec.clusterIP?.isEmpty ?? true { spec.clusterIP = oldSpec?.clusterIP }
            if spec.clusterIPs?.isEmpty ?? true { spec.clusterIPs = oldSpec?.clusterIPs }
            if spec.ipFamilies == nil { spec.ipFamilies = oldSpec?.ipFamilies }
            if spec.ipFamilyPolicy == nil { spec.ipFamilyPolicy = oldSpec?.ipFamilyPolicy }
        } else {
            dropTypeDependentFields(&spec, old: oldSpec, oldType: oldService.serviceType)
        }
        service.spec = spec
        if let typed = service as? T { object = typed }
    }

    /// Kubernetes' dropTypeDependentFields: when the type changes, fields that only the old type used and that
    /// the user left as they were are dropped, so NodePort -> ClusterIP needs no hand-editing.
    static func dropTypeDependentFields(_ spec: inout ServiceSpec, old: ServiceSpec?, oldType: String) {
        let newType = spec.type ?? Service.ServiceType.clusterIP
        let external = [Service.ServiceType.nodePort, Service.ServiceType.loadBalancer]
        if external.contains(oldType), !external.contains(newType) {
            spec.ports = spec.ports?.map { port in
                var port = port
                let previous = old?.ports?.first { $0.port == port.port && $0.protocol == port.protocol }
                if port.nodePort != nil, port.nodePort == previous?.nodePort { port.nodePort = nil }
                return port
            }
            if spec.externalTrafficPolicy == old?.externalTrafficPolicy { spec.externalTrafficPolicy = nil }
            if spec.healthCheckNodePort == old?.healthCheckNodePort { spec.healthCheckNodePort = nil }
        }
        if newType == Service.ServiceType.externalName {
            if spec.clusterIP == old?.clusterIP { spec.clusterIP = nil }
            if spec.clusterIPs == old?.clusterIPs { spec.clusterIPs = nil }
            if spec.ipFamilies == old?.ipFamilies { spec.ipFamilies = nil }
            if spec.ipFamilyPolicy == old?.ipFamilyPolicy { spec.ipFamilyPolicy = nil }
        } else if oldType == Service.ServiceType.externalName, spec.externalName == old?.externalName {
            spec.externalName = nil
        }
    }

    /// Status a client may not set on create, as Kubernetes' strategies reset it.
    static func resetStatusOnCreate<T: APIObject>(_ object: inout T) {
        if var pod = object as? Pod {
            pod.status = PodStatus(phase: "Pending")
            if let typed = pod as? T { object = typed }
        } else if var service = object as? Service {
            service.status = nil
            if let typed = service as? T { object = typed }
        } else if var namespace = object as? Namespace {
            namespace.status = NamespaceStatus(phase: "Active")
            if let typed = namespace as? T { object = typed }
        }
    }

    /// A random (version 4) UUID in lowercase, as Kubernetes writes uids. Foundation's `UUID()` opens and reads
    /// /dev/urandom on every call on Linux (about 10% of a create's CPU); this takes 16 bytes from getrandom(2).
    static func newUID() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: 16)
        let high: UInt64 = generator.next(), low: UInt64 = generator.next()
        for index in 0..<8 {
            bytes[index] = UInt8(truncatingIfNeeded: high >> (56 - 8 * index))
            bytes[8 + index] = UInt8(truncatingIfNeeded: low >> (56 - 8 * index))
        }
        bytes[6] = bytes[6] & 0x0F | 0x40  // version 4
        bytes[8] = bytes[8] & 0x3F | 0x80  // RFC 4122 variant
        let hex = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    static func randomSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { _ in alphabet.randomElement()! })
    }
}
