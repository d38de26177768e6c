// VirtioKeyboard+SelfTest.swift: `kenix.kbd-test=N`, the HAL reading N key
// events from its keyboard before the kernel starts, so the driver is checked
// without the user-space keyboard driver. Prints "kbd-test: waiting for N key
// events" (a test harness types after it: virtio-input drops events that
// arrive before the buffers are posted), then "kbd-test: code C pressed" or
// "... released" per event, then "kbd-test: ok", or "kbd-test: FAILED
// timeout" when 10 s of generic-timer time pass without an event, or
// "kbd-test: FAILED no virtio keyboard"; booting continues either way.
// Events come on the interrupt path, as the kernel will take them: the
// keyboard's SPI and the timer are enabled at the GIC, the core waits in WFI
// (IRQs masked at EL1; WFI wakes on a pending IRQ regardless), acknowledges at
// the GIC, takes events, ends the interrupt. Events beyond N stay queued in
// the device (their line stays high) for the kernel's keyboard owner.
import HAL

enum KeyboardSelfTest {
    static let secondsPerEvent: UInt64 = 10

    static func run(_ hal: ArmHAL, events: Int) {
        guard let keyboard = hal.keyboard else {
            Console.put("kbd-test: FAILED no virtio keyboard\n")
            return
        }
        Console.put("kbd-test: waiting for ")
        Console.put(decimal: UInt64(events))
        Console.put(" key events\n")
        hal.interrupts.enable(keyboard.irq)
        hal.interrupts.enable(hal.timer.irq)
        var seen = 0
        var timedOut = false
        while seen < events && !timedOut {
            hal.timer.setDeadline(hal.timer.now() + secondsPerEvent * hal.timer.frequency)
            kenix_wfi()
            guard let irq = hal.interrupts.acknowledge() else { continue }
            if irq == keyboard.irq {
                while seen < events, let event = keyboard.takeEvent() {
                    Console.put("kbd-test: code ")
                    Console.put(decimal: UInt64(event.code))
                    Console.put(event.pressed ? " pressed\n" : " released\n")
                    seen += 1
                }
            }
            hal.interrupts.endOfInterrupt(irq)
            if irq == hal.timer.irq { timedOut = true }
        }
        hal.timer.setDeadline(nil)
        hal.interrupts.disable(keyboard.irq)
        hal.interrupts.disable(hal.timer.irq)
        Console.put(timedOut ? "kbd-test: FAILED timeout\n" : "kbd-test: ok\n")
    }
}
