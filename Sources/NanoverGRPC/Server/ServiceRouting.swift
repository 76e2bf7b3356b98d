import GRPCCore

/// The router of a server's services: ours first, then an embedder's, with
/// a clash refused rather than one handler silently replacing another.
enum ServiceRouting {
    static func router<Transport: ServerTransport>(
        for services: [any RegistrableRPCService], transport: Transport.Type
    ) throws(NanoverServerError) -> RPCRouter<Transport> {
        var router = RPCRouter<Transport>()
        var serviceOwners: [String: Int] = [:]
        for (index, service) in services.enumerated() {
            var own = RPCRouter<Transport>()
            service.registerMethods(with: &own)
            for method in own.methods {
                // One service name belongs to one service: another's method
                // under it would be served beside, or instead of, the first's.
                if let owner = serviceOwners[method.service.fullyQualifiedService], owner != index {
                    throw .serviceClash(service: method.service.fullyQualifiedService)
                }
                serviceOwners[method.service.fullyQualifiedService] = index
            }
            service.registerMethods(with: &router)
        }
        return router
    }
}
