// The service registry: a server registers under a well-known key
// (`ServiceKey`) with that key's handle, which init holds and hands to the
// server it starts for the key; anyone may look a key up and gets a handle
// that can send to (call) the server, and nothing else. A key whose server
// ended is free again for a holder of the key's handle.
import HAL
import KenixABI

extension Kernel {
    /// `service_register(keyHandle)`: the caller serves the handle's key.
    mutating func serviceRegister(_ slot: Int, handle: UInt64) -> SyscallResult {
        let key: Int
        switch resolve(slot, handle, .serviceKey, HandleRights.use) {
        case .failure(let e): return .failure(e)
        case .success(let entry):
            guard entry.object > 0, entry.object < UInt64(services.count) else { return .failure(.badHandle) }
            key = Int(entry.object)
        }
        if services[key] != tasks[slot].pointee.id, tasks.liveSlot(of: services[key]) != nil { return .failure(.busy) }
        services[key] = tasks[slot].pointee.id
        return .success(0)
    }

    /// `service_lookup(key)`: x0 = a new handle (`send` only) to the server,
    /// x1 = its task id.
    mutating func serviceLookup(_ slot: Int, key: UInt64) -> SyscallResult {
        guard key > 0, key < UInt64(services.count),
              tasks.liveSlot(of: services[Int(key)]) != nil else { return .failure(.notFound) }
        let server = services[Int(key)]
        switch grant(slot, HandleEntry(kind: .task, rights: HandleRights.send, object: server.raw)) {
        case .failure(let e): return .failure(e)
        case .success(let h): return .registers(SyscallReturn(x0: h, x1: server.raw))
        }
    }
}
