// The authority init starts with (InitHandle): every device, every service
// key, the interrupt controller, the task directory and a spawn authority
// of ceiling 31, at fixed handle values. Nothing else in the system holds
// any of them until init hands them down.
import HAL
import KenixABI

extension Kernel {
    mutating func giveBootHandles(to slot: Int) {
        let pass = HandleRights.duplicate | HandleRights.transfer
        install(slot, InitHandle.spawnAuthority, .spawnAuthority, HandleRights.use | pass, UInt64(Priority.highest))
        install(slot, InitHandle.taskDirectory, .taskDirectory, HandleRights.info | HandleRights.kill | pass, 0)
        install(slot, InitHandle.interruptController, .interruptLine, HandleRights.use | pass,
                InterruptLineHandle.everyLine)
        install(slot, InitHandle.uart, .device, HandleRights.use | pass, DeviceCode.uart)
        if hal.keyboard != nil {
            install(slot, InitHandle.keyboard, .device, HandleRights.use | pass, DeviceCode.keyboard)
        }
        if hal.display != nil {
            install(slot, InitHandle.framebuffer, .device, HandleRights.use | pass, DeviceCode.framebuffer)
        }
        for key in ServiceKey.allCases {
            install(slot, InitHandle.service(key), .serviceKey, HandleRights.use | pass, key.rawValue)
        }
        for n in 0..<dataDiskCount {
            install(slot, InitHandle.disk(UInt64(n)), .device, HandleRights.use | pass, DeviceCode.disk + UInt64(n))
        }
    }

    /// Puts a handle at the fixed value `value` of a fresh table.
    private mutating func install(_ slot: Int, _ value: UInt64, _ kind: ObjectKind, _ rights: UInt64, _ object: UInt64) {
        handles[slot, Int(value) - 1] = HandleEntry(kind: kind, rights: rights, object: object)
    }
}
