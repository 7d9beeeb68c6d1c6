import Foundation
import SkiffAPI

/// Gives Services their ClusterIP and NodePorts, and keeps what an update does not change.
///
/// Runs after validation, so it sees well-formed values. Everything it takes is recorded in the request's
/// reservation: rolled back if the write fails, and what the old object held but the new one does not is freed
/// only after the write commits (so no address is ever held by two stored Services).
struct ServiceAllocation: AdmissionPlugin {
    let name = "ServiceAllocation"
    let clusterIPs: ClusterIPAllocator
    let nodePorts: PortAllocator

    func admit(_ request: inout AdmissionRequest) async throws(Status) {
        guard var service = request.object as? Service else { return }
        let old = request.old as? Service
        var reservation = Reservation()
        let started = Date()
        do {
            try allocateClusterIP(&service, old: old, into: &reservation)
            if !reservation.clusterIPs.isEmpty { request.allocation = started...Date() }
            try allocateNodePorts(&service, old: old, into: &reservation)
        } catch {
            reservation.rollback()
            throw Status.invalid(request.resource, request.name, [error])
        }
        request.reservation.merge(reservation)
        request.object = service
    }

    /// Whether a Service of this shape has a ClusterIP.
    static func needsClusterIP(_ service: Service) -> Bool {
        service.serviceType != Service.ServiceType.externalName && !service.isHeadless
    }

    static func needsNodePorts(_ service: Service) -> Bool {
        [Service.ServiceType.nodePort, Service.ServiceType.loadBalancer].contains(service.serviceType)
    }

    private func allocateClusterIP(_ service: inout Service, old: Service?, into reservation: inout Reservation) throws(FieldError) {
        let oldIP = old.flatMap { Self.needsClusterIP($0) ? $0.spec?.clusterIP : nil }
        guard Self.needsClusterIP(service) else {
            if let oldIP { reservation.releaseOnCommit.clusterIPs.append((clusterIPs, oldIP)) }
            if service.isHeadless { service.spec?.clusterIPs = [Service.headlessClusterIP] }
            return
        }
        let requested = service.spec?.clusterIP ?? ""
        if let oldIP, requested.isEmpty || requested == oldIP {
            service.spec?.clusterIP = oldIP
            service.spec?.clusterIPs = [oldIP]
            return
        }
        if let oldIP { reservation.releaseOnCommit.clusterIPs.append((clusterIPs, oldIP)) }
        let ip: String
        do {
            if requested.isEmpty {
                ip = try clusterIPs.allocateNext()
            } else {
                try clusterIPs.allocate(requested)
                ip = requested
            }
        } catch {
            throw FieldError(kind: .invalid, field: "spec.clusterIPs", badValue: requested, detail: "failed to allocate IP \(requested.isEmpty ? "" : requested + ": ")\(error.description)")
        }
        reservation.clusterIPs.append((clusterIPs, ip))
        service.spec?.clusterIP = ip
        service.spec?.clusterIPs = [ip]
    }

    private func allocateNodePorts(_ service: inout Service, old: Service?, into reservation: inout Reservation) throws(FieldError) {
        var oldPorts = Set(old.map { Self.needsNodePorts($0) ? ($0.spec?.ports ?? []).compactMap(\.nodePort) : [] } ?? [])
        defer { reservation.releaseOnCommit.nodePorts += oldPorts.map { (nodePorts, $0) } }
        guard Self.needsNodePorts(service), var ports = service.spec?.ports else { return }
        for index in ports.indices {
            let port = ports[index]
            // Keep the NodePort the old object had for the same port, as Kubernetes does on update.
            let previous = old?.spec?.ports?.first { $0.port == port.port && ($0.protocol ?? "TCP") == (port.protocol ?? "TCP") }?.nodePort
            let wanted = port.nodePort ?? previous
            if let wanted, oldPorts.contains(wanted) {
                oldPorts.remove(wanted)
                ports[index].nodePort = wanted
                continue
            }
            do {
                if let wanted {
                    try nodePorts.allocate(wanted)
                    ports[index].nodePort = wanted
                } else {
                    ports[index].nodePort = try nodePorts.allocateNext()
                }
            } catch {
                let path = FieldPath.root("spec").child("ports").index(index).child("nodePort")
                throw wanted.map { FieldError.invalid(path, $0, error.description) } ?? FieldError.invalid(path, rendered: nil, error.description)
            }
            reservation.nodePorts.append((nodePorts, ports[index].nodePort!))
        }
        service.spec?.ports = ports
    }
}
