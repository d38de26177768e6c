// The scripted interrupt controller and timer. The timer is the ARM generic
// timer's contract: a level interrupt (IRQ 27) pending while now >= deadline.
// The controller models a GIC's active state: an acknowledged line is not
// signalled again until its end-of-interrupt.
import HAL

struct ScriptedTimer: Timer {   // HAL's Timer (this file imports no Foundation)
    let machine: SimMachine
    var frequency: UInt64 { machine.frequency }
    func now() -> UInt64 { machine.now }
    func setDeadline(_ deadline: UInt64?) { machine.deadline = deadline }
    var irq: IRQ { SimMachine.timerIRQ }
}

struct ScriptedInterruptController: InterruptController {
    let machine: SimMachine

    func enable(_ irq: IRQ) { machine.enabledIRQs.insert(irq.number) }
    func disable(_ irq: IRQ) { machine.enabledIRQs.remove(irq.number) }

    func acknowledge() -> IRQ? {
        guard let irq = machine.deliverableIRQ else { return nil }
        machine.acknowledgesWithoutProgress += 1
        if machine.acknowledgesWithoutProgress > SimMachine.interruptStormLimit {
            if !machine.interruptStorm {
                machine.harnessErrors.append("interrupt storm: interrupts were acknowledged "
                                             + "\(SimMachine.interruptStormLimit) times without the kernel running a task")
            }
            machine.interruptStorm = true
            return nil
        }
        machine.activeIRQs.insert(irq.number)
        return irq
    }

    func endOfInterrupt(_ irq: IRQ) {
        if machine.activeIRQs.remove(irq.number) == nil {
            machine.harnessErrors.append("end of interrupt \(irq.number) that is not active")
        }
    }
}
