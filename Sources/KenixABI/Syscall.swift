// The syscall numbers: the one definition of the ABI between EL0 programs and
// the kernel. KenixABI is compiled into the kernel (SwiftPM and the Embedded
// build) and into every Swift user program (Userland/libkenix). The C header
// Userland/include/kenix_abi.h is generated from it (`make abi`), and
// docs/syscalls.md is checked against it; `make test` fails on drift
// (Tests/KenixABITests).
//
// Convention: `svc #0`, number in x8, arguments in
// x0–x5, result in x0 (negative = a `SyscallError`). IPC calls carry their
// message in x1–x5 both ways. One syscall reads a seventh argument register:
// `call_timeout`, whose timeout is in x6 because x0–x5 are taken by the
// destination and the message.

public enum Syscall: UInt64, CaseIterable {
    case yield = 0
    case exit = 1
    case getpid = 2
    case sleep = 3
    case clock = 4
    case spawn = 5
    case wait = 6
    case fork = 7
    case spawnImage = 8
    case realTime = 9

    case send = 10
    case recv = 11
    case call = 12
    case reply = 13
    case replyTo = 14
    case replyRecv = 15
    case callTimeout = 16
    case recvTimeout = 17
    case sendNonBlocking = 18
    case recvNonBlocking = 19

    case shmCreate = 20
    case shmMap = 21
    case shmGrant = 22
    case shmUnmap = 23
    case mmap = 24
    case munmap = 25
    case mprotect = 26
    case brk = 27
    case shmInfo = 28
    case shmRelease = 29

    case uartClaim = 30
    case uartWrite = 31
    case uartRead = 32

    case serviceRegister = 40
    case serviceLookup = 41

    case notifyCreate = 50
    case notifySignal = 51
    case notifyWait = 52
    case notifyPoll = 53
    case notifyGrant = 54
    case notifyBind = 55
    case irqRegister = 56
    case irqAck = 57

    case taskInfo = 60
    case memInfo = 61
    case kill = 62
    case taskStatus = 63
    case taskWatch = 64

    case fbInfo = 70
    case fbMap = 71
    case fbPresent = 72
    case keyboardClaim = 73
    case keyboardRead = 74
    case imageRead = 75
    case imageMap = 76

    case taskCreate = 80
    case taskExec = 81
    case taskResume = 82
    case taskGetRegisters = 83
    case taskSetRegisters = 84
    case taskRead = 85
    case taskWrite = 86
    case taskMap = 87
    case taskUnmap = 88
    case taskProtect = 89
    case taskFork = 90
    case taskInterrupt = 91

    case blockInfo = 100
    case blockClaim = 101
    case blockSubmit = 102
    case blockComplete = 103
}

extension Syscall {
    /// The documented name (docs/syscalls.md, traces, the C header's
    /// `KX_SYS_` constants): lower snake case.
    public var name: StaticString {
        switch self {
        case .yield: "yield"
        case .exit: "exit"
        case .getpid: "getpid"
        case .sleep: "sleep"
        case .clock: "clock"
        case .spawn: "spawn"
        case .wait: "wait"
        case .fork: "fork"
        case .spawnImage: "spawn_image"
        case .realTime: "real_time"
        case .send: "send"
        case .recv: "recv"
        case .call: "call"
        case .reply: "reply"
        case .replyTo: "reply_to"
        case .replyRecv: "reply_recv"
        case .callTimeout: "call_timeout"
        case .recvTimeout: "recv_timeout"
        case .sendNonBlocking: "send_nb"
        case .recvNonBlocking: "recv_nb"
        case .shmCreate: "shm_create"
        case .shmMap: "shm_map"
        case .shmGrant: "shm_grant"
        case .shmUnmap: "shm_unmap"
        case .mmap: "mmap"
        case .munmap: "munmap"
        case .mprotect: "mprotect"
        case .brk: "brk"
        case .shmInfo: "shm_info"
        case .shmRelease: "shm_release"
        case .uartClaim: "uart_claim"
        case .uartWrite: "uart_write"
        case .uartRead: "uart_read"
        case .serviceRegister: "service_register"
        case .serviceLookup: "service_lookup"
        case .notifyCreate: "notify_create"
        case .notifySignal: "notify_signal"
        case .notifyWait: "notify_wait"
        case .notifyPoll: "notify_poll"
        case .notifyGrant: "notify_grant"
        case .notifyBind: "notify_bind"
        case .irqRegister: "irq_register"
        case .irqAck: "irq_ack"
        case .taskInfo: "task_info"
        case .memInfo: "mem_info"
        case .kill: "kill"
        case .taskStatus: "task_status"
        case .taskWatch: "task_watch"
        case .fbInfo: "fb_info"
        case .fbMap: "fb_map"
        case .fbPresent: "fb_present"
        case .keyboardClaim: "keyboard_claim"
        case .keyboardRead: "keyboard_read"
        case .imageRead: "image_read"
        case .imageMap: "image_map"
        case .taskCreate: "task_create"
        case .taskExec: "task_exec"
        case .taskResume: "task_resume"
        case .taskGetRegisters: "task_get_registers"
        case .taskSetRegisters: "task_set_registers"
        case .taskRead: "task_read"
        case .taskWrite: "task_write"
        case .taskMap: "task_map"
        case .taskUnmap: "task_unmap"
        case .taskProtect: "task_protect"
        case .taskFork: "task_fork"
        case .taskInterrupt: "task_interrupt"
        case .blockInfo: "block_info"
        case .blockClaim: "block_claim"
        case .blockSubmit: "block_submit"
        case .blockComplete: "block_complete"
        }
    }
}
