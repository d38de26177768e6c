// The service registry: a server registers under a well-known key
// (`ServiceKey`), clients look the key up to find the server's task id. A key
// whose server ended is free again.
import HAL
import KenixABI

extension Kernel {
    mutating func serviceRegister(_ slot: Int, key: UInt64) -> SyscallResult {
        guard key > 0, key < UInt64(services.count) else { return .failure(.invalidArgument) }
        if tasks.liveSlot(of: services[Int(key)]) != nil { return .failure(.busy) }
        services[Int(key)] = tasks[slot].pointee.id
        return .success(0)
    }

    mutating func serviceLookup(key: UInt64) -> SyscallResult {
        guard key > 0, key < UInt64(services.count),
              tasks.liveSlot(of: services[Int(key)]) != nil else { return .failure(.notFound) }
        return .success(services[Int(key)].raw)
    }
}
