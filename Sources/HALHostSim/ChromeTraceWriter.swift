// ChromeTraceWriter: the kernel's trace events as a Chrome trace-event JSON
// file (`kenix-sim run --trace-json FILE`), which ui.perfetto.dev and
// chrome://tracing open. docs/tracing.md describes the tracks.
//
// Interface: `ChromeTraceWriter(path:source:)` opens (truncates) the file and
// writes the header; `record(_:at:)` turns one event, stamped in ns, into
// JSON lines; `close(at:)` ends every open slice at that time and writes the
// closing brackets (after it, records are ignored). One process (pid 1):
// thread 0 is the CPU (which task runs, idle, interrupts), thread N is task
// N. Syscalls are B/E slices on their task's thread; IPC deliveries are flow
// events (s on the sender, f on the receiver, bound to the syscall slice open
// there); counters track free frames and ready tasks. Lines are written in
// causal order and every B gets its E, so the file is valid JSON once closed.
// tools/trace-to-json.py is the same conversion for QEMU's ring dump: keep
// the two in step.
import HAL
import KenixABI
import SimHost

final class ChromeTraceWriter {
    private let file: HostTraceFile
    private var first = true
    private var closed = false

    /// Per task: the syscall slice open on its thread, if any.
    private struct OpenSyscall { var number: UInt64; var flowsIn: [UInt64] }
    private var open: [UInt64: OpenSyscall] = [:]
    /// What the CPU track shows now: a task's run, idle, or nothing.
    private enum CPUSlice: Equatable { case none, running(UInt64), idle }
    private var cpu: CPUSlice = .none
    private var names: [UInt64: String] = [0: "CPU 0"]
    private var nextFlow: UInt64 = 1
    private var lastFrames: UInt64 = .max
    private var lastReady: UInt64 = .max

    init?(path: String, source: String) {
        guard let f = HostTraceFile(path: path) else { return nil }
        file = f
        file.write(line: "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"source\":\"\(source)\",\"clock\":\"simulated\"},")
        file.write(line: "\"traceEvents\":[")
        emit(#"{"ph":"M","pid":1,"tid":0,"name":"process_name","args":{"name":"Kenix"}}"#)
        emit(#"{"ph":"M","pid":1,"tid":0,"name":"thread_name","args":{"name":"CPU 0"}}"#)
        emit(#"{"ph":"M","pid":1,"tid":0,"name":"thread_sort_index","args":{"sort_index":-1}}"#)
    }

    func flush() { file.flush() }

    /// Why the file is incomplete, if a write failed (HostTraceFile).
    var failure: String? { file.failure }

    func record(_ e: TraceEvent, at ns: UInt64) {
        guard !closed else { return }
        let t = Self.micros(ns)
        switch e.kind {
        case .taskSwitch:
            cpuEnd(t)
            nameIfNew(e.a)
            cpu = .running(e.a)
            emit(#"{"ph":"B","pid":1,"tid":0,"ts":\#(t),"cat":"cpu","name":"\#(taskLabel(e.a))","args":{"task":\#(e.a)}}"#)
            counters(t, frames: e.b, ready: e.c)
        case .idle:
            cpuEnd(t)
            cpu = .idle
            emit(#"{"ph":"B","pid":1,"tid":0,"ts":\#(t),"cat":"cpu","name":"idle"}"#)
            counters(t, frames: e.a, ready: 0)
        case .interrupt:
            if cpu == .idle { cpuEnd(t) }
            emit(#"{"ph":"i","s":"t","pid":1,"tid":0,"ts":\#(t),"cat":"irq","name":"irq \#(e.a)","args":{"irq":\#(e.a)}}"#)
        case .syscall:
            nameIfNew(e.a)
            if open[e.a] != nil { syscallEnd(e.a, t, args: #"{"unfinished":true}"#) }
            open[e.a] = OpenSyscall(number: e.b, flowsIn: [])
            emit(#"{"ph":"B","pid":1,"tid":\#(e.a),"ts":\#(t),"cat":"syscall","name":"\#(Self.syscallName(e.b))","args":{"nr":\#(e.b)}}"#)
        case .syscallExit:
            if open[e.a] != nil {
                syscallEnd(e.a, t, args: #"{"x0":"\#(hex(e.c))"}"#)
            }
        case .ipcDeliver:
            let id = nextFlow
            nextFlow += 1
            let kind = open[e.a].map { Self.syscallName($0.number) } ?? "message"
            nameIfNew(e.a)
            nameIfNew(e.b)
            emit(#"{"ph":"s","pid":1,"tid":\#(e.a),"ts":\#(t),"cat":"ipc","name":"\#(kind)","id":\#(id),"args":{"to":\#(e.b),"tag":"\#(hex(e.c))"}}"#)
            if open[e.b] != nil {
                open[e.b]!.flowsIn.append(id)
            } else {
                emit(#"{"ph":"f","bp":"e","pid":1,"tid":\#(e.b),"ts":\#(t),"cat":"ipc","name":"\#(kind)","id":\#(id)}"#)
            }
        case .taskExit:
            if open[e.a] != nil { syscallEnd(e.a, t, args: #"{"ended":true}"#) }
            let status = Int64(bitPattern: e.b)
            instant(e.a, t, "exit", #"{"status":\#(status),"killed":\#(e.c != 0)}"#)
        case .taskFault:
            instant(e.a, t, "fault", #"{"pc":"\#(hex(e.b))","address":"\#(hex(e.c))"}"#)
        case .taskSpawn:
            nameIfNew(e.a)
            instant(e.a, t, "spawn", #"{"child":\#(e.b)}"#)
        case .pageOut:
            instant(e.a, t, "page-out", #"{"va":"\#(hex(e.b))","slot":\#(e.c)}"#)
        case .pageIn:
            instant(e.a, t, "page-in", #"{"va":"\#(hex(e.b))","slot":\#(e.c)}"#)
        case .pageFault:
            let access = ["read", "write", "execute", "?"][Int(e.c & 3)]
            let name = e.c & 4 != 0 ? "copy-on-write fault" : "page fault"
            instant(e.a, t, name, #"{"address":"\#(hex(e.b))","access":"\#(access)"}"#)
        case .taskName:
            let name = Self.unpackName(e.b, e.c) + " #\(e.a)"
            names[e.a] = name
            emit(#"{"ph":"M","pid":1,"tid":\#(e.a),"name":"thread_name","args":{"name":"\#(name)"}}"#)
            emit(#"{"ph":"M","pid":1,"tid":\#(e.a),"name":"thread_sort_index","args":{"sort_index":\#(e.a)}}"#)
        }
    }

    /// Ends every open slice at `ns` and finishes the JSON.
    func close(at ns: UInt64) {
        guard !closed else { return }
        let t = Self.micros(ns)
        for task in open.keys.sorted() { syscallEnd(task, t, args: #"{"unfinished":true}"#) }
        cpuEnd(t)
        file.write(line: "]}")
        file.close()
        closed = true
    }

    // MARK: Pieces

    private func emit(_ json: String) {
        file.write(line: first ? json : "," + json)
        first = false
    }

    private func instant(_ task: UInt64, _ t: String, _ name: String, _ args: String) {
        nameIfNew(task)
        emit(#"{"ph":"i","s":"t","pid":1,"tid":\#(task),"ts":\#(t),"cat":"task","name":"\#(name)","args":\#(args)}"#)
    }

    private func syscallEnd(_ task: UInt64, _ t: String, args: String) {
        guard let s = open.removeValue(forKey: task) else { return }
        for id in s.flowsIn {
            emit(#"{"ph":"f","bp":"e","pid":1,"tid":\#(task),"ts":\#(t),"cat":"ipc","name":"\#(Self.syscallName(s.number))","id":\#(id)}"#)
        }
        emit(#"{"ph":"E","pid":1,"tid":\#(task),"ts":\#(t),"args":\#(args)}"#)
    }

    private func cpuEnd(_ t: String) {
        if cpu != .none { emit(#"{"ph":"E","pid":1,"tid":0,"ts":\#(t)}"#) }
        cpu = .none
    }

    private func counters(_ t: String, frames: UInt64, ready: UInt64) {
        if frames != lastFrames {
            emit(#"{"ph":"C","pid":1,"tid":0,"ts":\#(t),"name":"free frames","args":{"frames":\#(frames)}}"#)
            lastFrames = frames
        }
        if ready != lastReady {
            emit(#"{"ph":"C","pid":1,"tid":0,"ts":\#(t),"name":"ready tasks","args":{"tasks":\#(ready)}}"#)
            lastReady = ready
        }
    }

    /// A task seen before its name (it cannot happen for spawned tasks, but
    /// keeps every thread named): "task N".
    private func nameIfNew(_ task: UInt64) {
        guard names[task] == nil else { return }
        names[task] = "task #\(task)"
        emit(#"{"ph":"M","pid":1,"tid":\#(task),"name":"thread_name","args":{"name":"task #\#(task)"}}"#)
    }

    private func taskLabel(_ task: UInt64) -> String { names[task] ?? "task #\(task)" }

    /// ns as µs with three decimals (JSON's ts unit is µs).
    static func micros(_ ns: UInt64) -> String {
        let frac = ns % 1000
        return "\(ns / 1000)." + (frac < 10 ? "00" : frac < 100 ? "0" : "") + "\(frac)"
    }

    static func syscallName(_ nr: UInt64) -> String {
        guard let call = Syscall(rawValue: nr) else { return "syscall \(nr)" }
        return call.name.withUTF8Buffer { String(decoding: $0, as: UTF8.self) }
    }

    /// The name in a taskName event, JSON-safe (printable ASCII only).
    static func unpackName(_ lo: UInt64, _ hi: UInt64) -> String {
        var s = ""
        for i in 0..<16 {
            let b = UInt8(truncatingIfNeeded: (i < 8 ? lo : hi) >> UInt64(8 * (i % 8)))
            if b == 0 { break }
            s.append(b > 0x20 && b < 0x7F && b != 0x22 && b != 0x5C ? Character(UnicodeScalar(b)) : "?")
        }
        return s.isEmpty ? "?" : s
    }
}
