import Foundation
import SkiffAPI

/// `describe endpoints`, in kubectl's layout (describeEndpoints).
enum EndpointsDescriber {
    static func describe(_ endpoints: Endpoints, writer: inout DescribeWriter) {
        writer.header(endpoints)
        writer.write(0, "Subsets:\n")
        for subset in endpoints.subsets ?? [] {
            let ready = (subset.addresses ?? []).map(\.ip).joined(separator: ",")
            writer.write(1, "Addresses:\t\(ready.isEmpty ? "<none>" : ready)\n")
            let notReady = (subset.notReadyAddresses ?? []).map(\.ip).joined(separator: ",")
            writer.write(1, "NotReadyAddresses:\t\(notReady.isEmpty ? "<none>" : notReady)\n")
            if let ports = subset.ports, !ports.isEmpty {
                writer.write(1, "Ports:\n")
                writer.write(2, "Name\tPort\tProtocol\n")
                writer.write(2, "----\t----\t--------\n")
                for port in ports {
                    writer.write(2, "\((port.name ?? "").isEmpty ? "<unset>" : port.name!)\t\(port.port)\t\(port.protocol ?? "TCP")\n")
                }
            }
            writer.write(0, "\n")
        }
        writer.events()
    }
}

/// `describe endpointslice`, in kubectl's layout (describeEndpointSliceV1), plus the serving and terminating
/// conditions that Skiff's proxies act on.
enum EndpointSliceDescriber {
    static func describe(_ slice: EndpointSlice, writer: inout DescribeWriter) {
        writer.header(slice)
        writer.write(0, "AddressType:\t\(slice.addressType)\n")
        if let ports = slice.ports, !ports.isEmpty {
            writer.write(0, "Ports:\n")
            writer.write(1, "Name\tPort\tProtocol\n")
            writer.write(1, "----\t----\t--------\n")
            for port in ports {
                let name = (port.name ?? "").isEmpty ? "<unset>" : port.name!
                writer.write(1, "\(name)\t\(port.port.map(String.init) ?? "<unset>")\t\(port.protocol ?? "TCP")\n")
            }
        } else {
            writer.write(0, "Ports: <unset>\n")
        }
        if slice.endpoints.isEmpty {
            writer.write(0, "Endpoints: <none>\n")
        } else {
            writer.write(0, "Endpoints:\n")
            for endpoint in slice.endpoints {
                let addresses = endpoint.addresses.joined(separator: ", ")
                writer.write(1, "- Addresses:\t\(addresses.isEmpty ? "<none>" : addresses)\n")
                writer.write(2, "Conditions:\n")
                let conditions = endpoint.conditions
                writer.write(3, "Ready:\t\(conditions?.ready.map { String($0) } ?? "<unset>")\n")
                if let serving = conditions?.serving { writer.write(3, "Serving:\t\(serving)\n") }
                if let terminating = conditions?.terminating { writer.write(3, "Terminating:\t\(terminating)\n") }
                writer.write(2, "Hostname:\t\(endpoint.hostname ?? "<unset>")\n")
                if let target = endpoint.targetRef { writer.write(2, "TargetRef:\t\(target.kind ?? "")/\(target.name ?? "")\n") }
                writer.write(2, "NodeName:\t\(endpoint.nodeName ?? "<unset>")\n")
                writer.write(2, "Zone:\t\(endpoint.zone ?? "<unset>")\n")
            }
        }
        writer.events()
    }
}
