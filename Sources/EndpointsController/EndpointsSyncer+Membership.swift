import SkiffAPI
import SkiffMessaging

/// Which Services a Pod belongs to, and which Endpoints and slices have no Service any more: pure functions of
/// the caches, so they are tested without an apiserver.
extension EndpointsSyncer {
    /// The annotation of an Endpoints object used as a leader-election lock; such objects belong to no Service
    /// and are never cleaned up (as Kubernetes' endpoints controller does).
    public static let leaderAnnotation = "control-plane.alpha.kubernetes.io/leader"

    /// What `selectorIndex` files a Service under: its namespace and the smallest key of its selector with that
    /// key's value; nothing for a Service without a selector (it selects no Pod).
    public static func selectorIndexValues(_ service: Service) -> [String] {
        guard let (label, value) = service.spec?.selector?.min(by: { $0.key < $1.key }) else { return [] }
        return [selectorIndexValue(service.namespace, label, value)]
    }

    static func selectorIndexValue(_ namespace: String, _ label: String, _ value: String) -> String {
        "\(namespace)/\(label)=\(value)"
    }

    /// Keys of the Services of `cache` (which must carry `selectorIndex`) in the Pods' namespace whose selector
    /// matches any of the Pods' labels, sorted.
    ///
    /// Kubernetes lists every Service of the namespace here (GetPodServiceMemberships). With 1,000 Services that
    /// made each Pod event copy and match 1,000 Services while holding the informer's lock, and the controller
    /// fell seconds behind a churn of 100 Pod changes/s. A Service selects a Pod only if the Pod carries every
    /// pair of its selector, so only the Services filed under one of the Pod's own labels can match; their whole
    /// selector is then checked. No Service is copied.
    public static func servicesSelecting(_ pods: [Pod], in cache: ObjectCache<Service>) -> [String] {
        guard let namespace = pods.first?.namespace else { return [] }
        var keys: Set<String> = []
        for pod in pods {
            let labels = pod.labels
            for (label, value) in labels {
                for key in cache.keys(index: selectorIndex, value: selectorIndexValue(namespace, label, value))
                where !keys.contains(key) {
                    guard let selector = cache.get(key)?.spec?.selector, selects(selector, labels) else { continue }
                    keys.insert(key)
                }
            }
        }
        return keys.sorted()
    }

    /// A Service's selector (equality on every pair, as `Selector(matchLabels:)`) against a Pod's labels; an
    /// empty selector selects nothing here (such a Service gets no endpoints from Pods).
    static func selects(_ selector: [String: String], _ labels: [String: String]) -> Bool {
        !selector.isEmpty && selector.allSatisfy { labels[$0.key] == $0.value }
    }

    /// Keys (`namespace/name`) of Services that do not exist but still have an Endpoints object (other than a
    /// leader-election lock) or a slice managed by this controller or its mirroring half, sorted. Kubernetes'
    /// endpoints controller enqueues these once at start (checkLeftoverEndpoints): objects whose Service was
    /// deleted while the controller was down would otherwise stay forever, since no event concerns them.
    /// Reconciling such a key deletes them.
    public static func leftoverKeys(services: ObjectCache<Service>, endpoints: ObjectCache<Endpoints>,
                                    slices: ObjectCache<EndpointSlice>) -> [String] {
        var keys: Set<String> = []
        for object in endpoints.list() where object.metadata.annotations?[leaderAnnotation] == nil {
            let key = key(namespace: object.namespace, name: object.name)
            if services.get(key) == nil { keys.insert(key) }
        }
        let managers: Set<String> = [EndpointsLabels.controllerName, EndpointsLabels.mirroringControllerName]
        for slice in slices.list() {
            guard let manager = slice.labels[EndpointSlice.managedByLabel], managers.contains(manager),
                  let name = slice.labels[EndpointSlice.serviceNameLabel], !name.isEmpty else { continue }
            let key = key(namespace: slice.namespace, name: name)
            if services.get(key) == nil { keys.insert(key) }
        }
        return keys.sorted()
    }

    /// Enqueues `leftoverKeys` of the synced caches (once, before the workers start).
    func enqueueLeftovers() async {
        let serviceCache = services.withCache { $0 }
        let keys = Self.leftoverKeys(services: serviceCache, endpoints: endpoints.withCache { $0 },
                                     slices: slices.withCache { $0 })
        if !keys.isEmpty {
            logger.info("removing Endpoints and slices of \(keys.count) Services that no longer exist")
        }
        for key in keys { await queue.add(key) }
    }
}
