// HostSimHAL: the host simulator as a HAL, for `Kernel<HostSimHAL>`.
//
//     let hal = try HostSimHAL(config: SimConfig(initrd: image, seed: 42))
//     var kernel = try Kernel(hal: hal)
//     let outcome = kernel.run()
//     print(hal.machine.traceHash, hal.machine.now)
import HAL

public struct HostSimHAL: HAL {
    /// The one strong reference the HAL's views rely on (SimDevices.swift).
    public let machine: SimMachine
    public let cpu: SimCPU
    public let mmu: SimMMU
    public let interrupts: SimInterruptController
    public let timer: SimTimer
    public let uart: SimUART
    public let memory: SimRAM
    public let trace: SimTracer
    public var boot: BootInfo { machine.bootInfo }
    /// The swap disk (`SimConfig.disk`) first, if any, then the data disks.
    public let disks: [SimBlockDevice]
    public var swapDisk: Int? { machine.swapDiskIndex }
    public typealias Display = SimFramebuffer
    public var display: SimFramebuffer? { machine.display == nil ? nil : SimFramebuffer(machine: machine) }
    public typealias Keys = SimKeyboardDevice
    public var keyboard: SimKeyboardDevice? { machine.keyboard == nil ? nil : SimKeyboardDevice(machine: machine) }

    public init(machine: SimMachine) {
        self.machine = machine
        cpu = SimCPU(machine: machine)
        mmu = SimMMU(machine: machine)
        interrupts = SimInterruptController(machine: machine)
        timer = SimTimer(machine: machine)
        uart = SimUART(machine: machine)
        memory = SimRAM(machine: machine)
        trace = SimTracer(machine: machine)
        disks = machine.disks.map { SimBlockDevice(machine: machine, disk: $0) }
    }

    public init(config: SimConfig) throws(SimError) {
        self.init(machine: try SimMachine(config: config))
    }
}
