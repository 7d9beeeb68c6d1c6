import SkiffAPI

/// Sets the defaults a user may leave out (protocol TCP, targetPort = port, ...).
struct Defaulting: AdmissionPlugin {
    let name = "Defaulting"

    func admit(_ request: inout AdmissionRequest) async throws(Status) {
        guard var object = request.object else { return }
        Defaults.apply(to: &object)
        request.object = object
    }
}

/// Validates the object (and, for updates, the change) with Kubernetes' rules.
struct Validating: AdmissionPlugin {
    let name = "Validation"

    func admit(_ request: inout AdmissionRequest) async throws(Status) {
        guard let object = request.object else { return }
        let errors = if let old = request.old {
            Validation.validateUpdate(object, from: old)
        } else {
            Validation.validate(object)
        }
        if !errors.isEmpty { throw .invalid(request.resource, request.name, errors) }
    }
}
