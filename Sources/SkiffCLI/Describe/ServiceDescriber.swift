import Foundation
import SkiffAPI

/// `describe service`, in kubectl's layout (describeService). The Endpoints lines come from the Endpoints
/// object of the same name.
enum ServiceDescriber {
    static func describe(_ service: Service, endpoints: Endpoints?, timeline: RegistrationTimeline? = nil, writer: inout DescribeWriter) {
        let spec = service.spec ?? ServiceSpec()
        writer.header(service)
        writer.write(0, "Selector:\t\(Text.labels(spec.selector))\n")
        writer.write(0, "Type:\t\(spec.type ?? "")\n")
        if let policy = spec.ipFamilyPolicy { writer.write(0, "IP Family Policy:\t\(policy)\n") }
        let families = spec.ipFamilies ?? []
        writer.write(0, "IP Families:\t\(families.isEmpty ? "<none>" : families.joined(separator: ","))\n")
        writer.write(0, "IP:\t\(spec.clusterIP ?? "")\n")
        let ips = spec.clusterIPs ?? []
        writer.write(0, "IPs:\t\(ips.isEmpty ? "<none>" : ips.joined(separator: ","))\n")
        if let external = spec.externalIPs, !external.isEmpty { writer.write(0, "External IPs:\t\(external.joined(separator: ","))\n") }
        if let ip = spec.loadBalancerIP, !ip.isEmpty { writer.write(0, "IP:\t\(ip)\n") }
        if let name = spec.externalName, !name.isEmpty { writer.write(0, "External Name:\t\(name)\n") }
        let ingress = ServiceTable.loadBalancerIngress(service, wide: true)
        if !ingress.isEmpty { writer.write(0, "LoadBalancer Ingress:\t\(ingress)\n") }
        for port in spec.ports ?? [] {
            let name = (port.name ?? "").isEmpty ? "<unset>" : port.name!
            let proto = port.protocol ?? "TCP"
            writer.write(0, "Port:\t\(name)\t\(port.port)/\(proto)\n")
            writer.write(0, "TargetPort:\t\((port.targetPort ?? .int(port.port)).description)/\(proto)\n")
            if let nodePort = port.nodePort, nodePort != 0 { writer.write(0, "NodePort:\t\(name)\t\(nodePort)/\(proto)\n") }
            writer.write(0, "Endpoints:\t\(EndpointsTable.format(endpoints, ports: [port.name ?? ""]))\n")
        }
        if (spec.ports ?? []).isEmpty { writer.write(0, "Endpoints:\t\(EndpointsTable.format(endpoints))\n") }
        writer.write(0, "Session Affinity:\t\(spec.sessionAffinity ?? "")\n")
        if let policy = spec.externalTrafficPolicy, !policy.isEmpty { writer.write(0, "External Traffic Policy:\t\(policy)\n") }
        if let policy = spec.internalTrafficPolicy { writer.write(0, "Internal Traffic Policy:\t\(policy)\n") }
        if let port = spec.healthCheckNodePort, port != 0 { writer.write(0, "HealthCheck NodePort:\t\(port)\n") }
        if let ranges = spec.loadBalancerSourceRanges, !ranges.isEmpty {
            writer.write(0, "LoadBalancer Source Ranges:\t\(ranges.joined(separator: ","))\n")
        }
        if let distribution = spec.trafficDistribution { writer.write(0, "Traffic Distribution:\t\(distribution)\n") }
        if let timeline {
            writer.write(0, "Registration:\n")
            writer.write(1, "Step\tAfter\tTook\tDetail\n")
            writer.write(1, "----\t-----\t----\t------\n")
            for step in timeline.steps {
                writer.write(1, "\(step.name)\t\(timeline.offset(step))\t\(timeline.took(step))\t\(step.detail)\n")
            }
        }
        writer.events()
    }
}
