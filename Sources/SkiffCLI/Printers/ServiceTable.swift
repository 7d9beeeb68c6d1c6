import Foundation
import SkiffAPI

/// `get services`: NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE, and SELECTOR with -o wide (kubectl's printService).
public enum ServiceTable {
    public static func columns(wide: Bool) -> [String] {
        ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"] + (wide ? ["SELECTOR"] : [])
    }

    public static func row(_ service: Service, wide: Bool, now: Date) -> [String] {
        let spec = service.spec
        let clusterIP = spec?.clusterIPs?.first ?? spec?.clusterIP
        var row = [
            service.name, service.serviceType, Text.orNone(clusterIP), externalIP(service, wide: wide),
            Text.orNone(ports(spec?.ports ?? [])), Age.since(service.metadata.creationTimestamp, now: now),
        ]
        if wide { row.append(Text.labels(spec?.selector)) }
        return row
    }

    /// `80/TCP,443:31234/TCP` (kubectl's makePortString); the protocol defaults to TCP as the server's defaulting does.
    public static func ports(_ ports: [ServicePort]) -> String {
        ports.map { port in
            let proto = port.protocol ?? "TCP"
            if let nodePort = port.nodePort, nodePort > 0 { return "\(port.port):\(nodePort)/\(proto)" }
            return "\(port.port)/\(proto)"
        }.joined(separator: ",")
    }

    /// kubectl's getServiceExternalIP: external IPs, load-balancer ingress (`<pending>` until there is one),
    /// the external name for ExternalName.
    public static func externalIP(_ service: Service, wide: Bool) -> String {
        let externalIPs = service.spec?.externalIPs ?? []
        switch service.serviceType {
        case Service.ServiceType.clusterIP, Service.ServiceType.nodePort:
            return externalIPs.isEmpty ? "<none>" : externalIPs.joined(separator: ",")
        case Service.ServiceType.loadBalancer:
            let ingress = loadBalancerIngress(service, wide: wide)
            if !externalIPs.isEmpty {
                return ((ingress.isEmpty ? [] : ingress.split(separator: ",").map(String.init)) + externalIPs).joined(separator: ",")
            }
            return ingress.isEmpty ? "<pending>" : ingress
        case Service.ServiceType.externalName:
            return service.spec?.externalName ?? ""
        default:
            return "<unknown>"
        }
    }

    /// kubectl's loadBalancerStatusStringer: ingress IPs or hostnames, cut to 13 characters and "..." unless wide.
    static func loadBalancerIngress(_ service: Service, wide: Bool) -> String {
        let entries = (service.status?.loadBalancer?.ingress ?? []).compactMap { entry -> String? in
            if let ip = entry.ip, !ip.isEmpty { return ip }
            if let hostname = entry.hostname, !hostname.isEmpty { return hostname }
            return nil
        }
        let text = entries.joined(separator: ",")
        if !wide && text.count > 16 { return String(text.prefix(13)) + "..." }
        return text
    }
}
