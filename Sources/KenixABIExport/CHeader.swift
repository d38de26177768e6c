// The C view of KenixABI: renders Userland/include/kenix_abi.h. Every number
// comes from the Swift definitions; enum cases are enumerated (CaseIterable)
// and named by their Swift names, so adding a case to KenixABI adds it here.
// The constants of caseless enums (layouts, limits) are listed below by C
// name beside their Swift value.
import KenixABI

public enum CHeader {
    public static let path = "Userland/include/kenix_abi.h"

    public static func render() -> String {
        var h = HeaderWriter()
        h.line("/*")
        h.line(" * kenix_abi.h: the Kenix syscall ABI for C programs: numbers, errors,")
        h.line(" * layouts and protocol constants.")
        h.line(" *")
        h.line(" * GENERATED from Sources/KenixABI by `make abi` (Sources/kenix-abi); do not")
        h.line(" * edit. `make test` fails when this file and KenixABI differ.")
        h.line(" *")
        h.line(" * Convention: `svc #0`, number in x8, arguments in x0-x5, result in x0")
        h.line(" * (negative = a KX_ERR_ value). IPC calls carry a message in x1-x5 both")
        h.line(" * ways; call_timeout alone also reads x6 (its timeout).")
        h.line(" */")
        h.line("#ifndef KENIX_ABI_H")
        h.line("#define KENIX_ABI_H")
        h.blank()
        h.line("#include <stdint.h>")

        h.section("Syscall numbers (Syscall)")
        h.enumeration(Syscall.allCases.map { ("KX_SYS_" + CName.screamingSnake("\($0.name)"), "\($0.rawValue)") })
        h.section("Errors a caller can cause, returned negated in x0 (SyscallError)")
        h.enumeration(SyscallError.allCases.map { ("KX_ERR_" + CName.screamingSnake("\($0)"), "\($0.rawValue)") })
        h.errorNameFunction(SyscallError.allCases.map { ("KX_ERR_" + CName.screamingSnake("\($0)"), "\($0.name)") })
        h.section("How a waited-for task ended (ExitKind) and why the kernel killed it (KillReason)")
        h.enumeration(ExitKind.allCases.map { ("KX_EXIT_" + CName.screamingSnake("\($0)"), "\($0.rawValue)") })
        h.enumeration(KillReason.allCases.map { ("KX_KILL_" + CName.screamingSnake("\($0)"), "\($0.rawValue)") })
        h.section("Task states as task_info reports them (TaskStateCode)")
        h.enumeration(TaskStateCode.allCases.map { ("KX_TASK_" + CName.screamingSnake("\($0)"), "\($0.rawValue)") })
        h.section("What a blocked task waits for, as task_status reports it in x1 (TaskWaitCode)")
        h.enumeration(TaskWaitCode.allCases.map { ("KX_WAIT_" + CName.screamingSnake("\($0)"), "\($0.rawValue)") })
        h.section("Well-known services (ServiceKey) and the IPC wildcard sender")
        h.enumeration(ServiceKey.allCases.map { ("KX_SERVICE_" + CName.screamingSnake("\($0)"), "\($0.rawValue)") })
        h.define("KX_ANY_SENDER", ipcAnySender)
        h.section("Priorities (Priority): 0 at spawn means the caller's")
        h.define("KX_PRIORITY_INHERIT", Priority.inherit)
        h.define("KX_PRIORITY_LOWEST", Priority.lowest)
        h.define("KX_PRIORITY_HIGHEST", Priority.highest)
        h.section("The fixed user address layout (UserLayout)")
        h.define("KX_IMAGE_BASE", UserLayout.imageBase, hex: true)
        h.define("KX_IMAGE_LIMIT", UserLayout.imageLimit, hex: true)
        h.define("KX_STACK_TOP", UserLayout.stackTop, hex: true)
        h.define("KX_STACK_SIZE", UserLayout.stackSize, hex: true)
        h.define("KX_STACK_LIMIT", UserLayout.stackLimit, hex: true)
        h.define("KX_SHM_BASE", UserLayout.shmBase, hex: true)
        h.define("KX_SHM_LIMIT", UserLayout.shmLimit, hex: true)
        h.define("KX_MMAP_BASE", UserLayout.mmapBase, hex: true)
        h.define("KX_MMAP_LIMIT", UserLayout.mmapLimit, hex: true)
        h.define("KX_USER_LIMIT", UserLayout.userLimit, hex: true)
        h.section("mmap/mprotect rights and mmap flags (MemoryProtection, MapFlags)")
        h.define("KX_PROT_READ", MemoryProtection.read)
        h.define("KX_PROT_WRITE", MemoryProtection.write)
        h.define("KX_PROT_EXECUTE", MemoryProtection.execute)
        h.define("KX_MAP_SHARED", MapFlags.shared)
        h.define("KX_MAP_FIXED", MapFlags.fixed)
        h.section("Limits on syscall arguments (SyscallLimits)")
        h.define("KX_MAX_NAME_LENGTH", SyscallLimits.maxNameLength)
        h.define("KX_MAX_UART_WRITE", SyscallLimits.maxUARTWrite)
        h.define("KX_MAX_SHARED_MEMORY_SIZE", SyscallLimits.maxSharedMemorySize, hex: true)
        h.define("KX_MAX_IMAGE_READ", SyscallLimits.maxImageRead, hex: true)
        h.define("KX_MAX_BLOCK_TRANSFER", SyscallLimits.maxBlockTransfer, hex: true)
        h.define("KX_TIMEOUT_DEFERRABLE", TimeoutFlag.deferrable, hex: true)
        h.section("The console protocol (ConsoleOp, ConsoleProtocol, ConsoleReplyFlag)")
        h.enumeration(ConsoleOp.allCases.map { ("KX_CONSOLE_" + CName.screamingSnake("\($0)"), "\($0.rawValue)") })
        h.define("KX_CONSOLE_MAX_CHUNK", ConsoleProtocol.maxChunk)
        h.define("KX_CONSOLE_LENGTH_SHIFT", ConsoleProtocol.lengthShift)
        h.define("KX_CONSOLE_OP_MASK", ConsoleProtocol.opMask, hex: true)
        h.define("KX_CONSOLE_END_OF_LINE", ConsoleReplyFlag.endOfLine, hex: true)
        h.define("KX_CONSOLE_END_OF_INPUT", ConsoleReplyFlag.endOfInput, hex: true)
        h.define("KX_CONSOLE_WRITE_TERMINAL", ConsoleWriteFlag.terminal, hex: true)
        h.define("KX_CONSOLE_FLUSH_INPUT", ConsoleWriteFlag.flushInput, hex: true)
        h.define("KX_CONSOLE_TTY_END_OF_FILE", ConsoleTerminalFlag.endOfFile)
        h.define("KX_CONSOLE_TTY_EMPTY", ConsoleTerminalFlag.empty)
        h.define("KX_CONSOLE_MAX_CLIENTS", UInt64(ConsoleProtocol.maxClients))
        h.define("KX_CONSOLE_TERMINAL_BITS", ConsoleProtocol.terminalBits)
        h.section("The Linux server's protocol for Kenix programs (LinuxService.swift)")
        h.enumeration(LinuxServiceOp.allCases.map { ("KX_LINUX_" + CName.screamingSnake("\($0)"), "\($0.rawValue)") })
        h.define("KX_LINUX_END_OF_STRING", LinuxServiceProtocol.endOfString, hex: true)
        h.define("KX_LINUX_MAX_CHUNK", LinuxServiceProtocol.maxChunk)
        h.define("KX_LINUX_LENGTH_SHIFT", LinuxServiceProtocol.lengthShift)
        h.define("KX_LINUX_OP_MASK", LinuxServiceProtocol.opMask, hex: true)
        h.define("KX_LINUX_MAX_STRING", UInt64(LinuxServiceProtocol.maxString))
        h.define("KX_LINUX_MAX_STRINGS", UInt64(LinuxServiceProtocol.maxStrings))
        h.section("Supervision: events, resume modes and the register file (Supervision.swift)")
        h.enumeration(SupervisorEvent.allCases.map { ("KX_EVENT_" + CName.screamingSnake("\($0)"), "\($0.rawValue)") })
        h.define("KX_EVENT_MARKER", SupervisorEventTag.marker, hex: true)
        h.define("KX_EVENT_MASK", SupervisorEventTag.eventMask, hex: true)
        h.define("KX_EVENT_NUMBER_SHIFT", SupervisorEventTag.numberShift)
        h.define("KX_EVENT_NUMBER_MASK", SupervisorEventTag.numberMask, hex: true)
        h.enumeration(MemoryAccessCode.allCases.map { ("KX_ACCESS_" + CName.screamingSnake("\($0)"), "\($0.rawValue)") })
        h.enumeration(FaultCode.allCases.map { ("KX_FAULT_" + CName.screamingSnake("\($0)"), "\($0.rawValue)") })
        h.enumeration(ResumeMode.allCases.map { ("KX_RESUME_" + CName.screamingSnake("\($0)"), "\($0.rawValue)") })
        h.define("KX_REGS_X", UInt64(SupervisedRegisters.x))
        h.define("KX_REGS_SP", UInt64(SupervisedRegisters.sp))
        h.define("KX_REGS_PC", UInt64(SupervisedRegisters.pc))
        h.define("KX_REGS_NZCV", UInt64(SupervisedRegisters.nzcv))
        h.define("KX_REGS_TPIDR", UInt64(SupervisedRegisters.tpidr))
        h.define("KX_REGS_FPCR", UInt64(SupervisedRegisters.fpcr))
        h.define("KX_REGS_FPSR", UInt64(SupervisedRegisters.fpsr))
        h.define("KX_REGS_V", UInt64(SupervisedRegisters.v))
        h.define("KX_REGS_SIZE", UInt64(SupervisedRegisters.size))
        h.define("KX_MAX_TASK_TRANSFER", SupervisionLimits.maxTransfer, hex: true)
        h.define("KX_HEARTBEAT_TAG", Heartbeat.tag, hex: true)
        h.define("KX_SUPERVISOR_READY", SupervisorNotice.ready, hex: true)
        h.enumeration(SupervisorOp.allCases.map { ("KX_SUPERVISOR_" + CName.screamingSnake("\($0)"), "\($0.rawValue)") })
        h.section("Handles: kinds, rights, carried handles, the well-known values (Handles.swift)")
        h.enumeration(ObjectKind.allCases.map { ("KX_OBJECT_" + CName.screamingSnake("\($0)"), "\($0.rawValue)") })
        for (name, value) in [("DUPLICATE", HandleRights.duplicate), ("TRANSFER", HandleRights.transfer),
                              ("REVOKE", HandleRights.revoke), ("SEND", HandleRights.send), ("KILL", HandleRights.kill),
                              ("WAIT", HandleRights.wait), ("INFO", HandleRights.info), ("WATCH", HandleRights.watch),
                              ("SUPERVISE", HandleRights.supervise), ("SIGNAL", HandleRights.signal),
                              ("RECEIVE", HandleRights.receive), ("MAP", HandleRights.map), ("WRITE", HandleRights.write),
                              ("DMA", HandleRights.dma), ("USE", HandleRights.use), ("ALL", HandleRights.all)] {
            h.define("KX_RIGHT_" + name, value, hex: true)
        }
        h.define("KX_TAG_TRANSFERS_HANDLE", IPCTag.transfersHandle, hex: true)
        h.define("KX_TAG_MOVES_HANDLE", IPCTag.movesHandle, hex: true)
        h.define("KX_HANDLE_PARENT", StartupHandle.parent)
        h.define("KX_HANDLE_SPAWN_AUTHORITY", InitHandle.spawnAuthority)
        h.define("KX_HANDLE_TASK_DIRECTORY", InitHandle.taskDirectory)
        h.define("KX_HANDLE_INTERRUPT_CONTROLLER", InitHandle.interruptController)
        h.define("KX_HANDLE_UART", InitHandle.uart)
        h.define("KX_HANDLE_KEYBOARD", InitHandle.keyboard)
        h.define("KX_HANDLE_FRAMEBUFFER", InitHandle.framebuffer)
        h.define("KX_HANDLE_CONSOLE_INPUT", InitHandle.consoleInput)
        h.line("#define KX_HANDLE_SERVICE(key) (\(InitHandle.service(ServiceKey.allCases[0]) - ServiceKey.allCases[0].rawValue)ULL + (key))")
        h.line("#define KX_HANDLE_DISK(n) (\(InitHandle.disk(0))ULL + (n))")
        h.define("KX_DEVICE_UART", DeviceCode.uart)
        h.define("KX_DEVICE_KEYBOARD", DeviceCode.keyboard)
        h.define("KX_DEVICE_FRAMEBUFFER", DeviceCode.framebuffer)
        h.define("KX_DEVICE_DISK", DeviceCode.disk)
        h.section("The Kenix note, which marks a Kenix program (KenixNote)")
        h.define("KX_NOTE_TYPE", UInt64(KenixNote.type))
        h.define("KX_NOTE_ABI_VERSION", UInt64(KenixNote.abiVersion))
        renderFiles(into: &h)
        renderBlock(into: &h)

        h.blank()
        h.line("#endif /* KENIX_ABI_H */")
        return h.text
    }
}

/// Accumulates the header's lines.
struct HeaderWriter {
    var text = ""

    mutating func line(_ s: String) { text += s + "\n" }
    mutating func blank() { text += "\n" }

    mutating func section(_ title: String) {
        blank()
        line("/* \(title). */")
    }

    mutating func enumeration(_ cases: [(String, String)]) {
        line("enum {")
        for (name, value) in cases { line("    \(name) = \(value),") }
        line("};")
    }

    mutating func errorNameFunction(_ cases: [(constant: String, name: String)]) {
        blank()
        line("/* The name of error `err` (a KX_ERR_ value), or \"unknown\". */")
        line("static inline const char *kx_abi_error_name(int64_t err) {")
        line("    switch (err) {")
        for c in cases { line("    case \(c.constant): return \"\(c.name)\";") }
        line("    default: return \"unknown\";")
        line("    }")
        line("}")
    }

    mutating func define(_ name: String, _ value: UInt64, hex: Bool = false) {
        let literal = hex ? "0x" + String(value, radix: 16, uppercase: true) : String(value)
        line("#define \(name) \(literal)ULL")
    }
}
