// Guest: access to a Linux task's memory and registers on its behalf
// (task_read, task_write, task_get/set_registers, through Tasks). Every address and length
// comes from the task, so every failure is an answer (nil, false), never a
// trap: the caller turns it into -EFAULT. Strings are read a page at a time,
// so a string that ends just before an unmapped page still reads.

enum Guest {
    static let pageSize: UInt64 = 4096
    /// The most one request moves (SupervisionLimits.maxTransfer).
    static let maxTransfer = Int(SupervisionLimits.maxTransfer)

    static func read(_ task: TaskID, _ address: UInt64, _ length: Int) -> [UInt8]? {
        guard length >= 0 else { return nil }
        if length == 0 { return [] }
        var out = [UInt8](repeating: 0, count: length)
        let ok = out.withUnsafeMutableBytes { raw in readInto(task, address, raw.baseAddress!, length) }
        return ok ? out : nil
    }

    /// Copies into server memory, in transfers of at most 1 MiB.
    static func readInto(_ task: TaskID, _ address: UInt64, _ buffer: UnsafeMutableRawPointer, _ length: Int) -> Bool {
        var done = 0
        while done < length {
            let n = min(length - done, maxTransfer)
            let (a, overflow) = address.addingReportingOverflow(UInt64(done))
            guard !overflow, (try? Tasks.read(task, a, into: buffer + done, length: n)) != nil else { return false }
            done += n
        }
        return true
    }

    static func write(_ task: TaskID, _ address: UInt64, _ bytes: [UInt8]) -> Bool {
        if bytes.isEmpty { return true }
        return bytes.withUnsafeBytes { raw in writeFrom(task, address, raw.baseAddress!, bytes.count) }
    }

    static func writeFrom(_ task: TaskID, _ address: UInt64, _ buffer: UnsafeRawPointer, _ length: Int) -> Bool {
        var done = 0
        while done < length {
            let n = min(length - done, maxTransfer)
            let (a, overflow) = address.addingReportingOverflow(UInt64(done))
            guard !overflow, (try? Tasks.write(task, a, from: buffer + done, length: n)) != nil else { return false }
            done += n
        }
        return true
    }

    static func readU64(_ task: TaskID, _ address: UInt64) -> UInt64? {
        guard let b = read(task, address, 8) else { return nil }
        return LE.u64(b, 0)
    }

    static func writeU64(_ task: TaskID, _ address: UInt64, _ value: UInt64) -> Bool {
        var b = [UInt8](repeating: 0, count: 8)
        LE.put64(&b, 0, value)
        return write(task, address, b)
    }

    static func writeU32(_ task: TaskID, _ address: UInt64, _ value: UInt32) -> Bool {
        var b = [UInt8](repeating: 0, count: 4)
        LE.put32(&b, 0, value)
        return write(task, address, b)
    }

    /// A NUL-terminated string of at most `limit` bytes (without the NUL):
    /// .failure(.EFAULT) on a bad address, .failure(.ENAMETOOLONG) when longer.
    static func string(_ task: TaskID, _ address: UInt64, limit: Int = PathName.maxLength) -> Result<[UInt8], Errno> {
        var out: [UInt8] = []
        var at = address
        while true {
            let inPage = Int(pageSize - at % pageSize)
            let want = min(inPage, limit + 1 - out.count)
            guard let chunk = read(task, at, want) else { return .failure(.EFAULT) }
            for b in chunk {
                if b == 0 { return .success(out) }
                out.append(b)
            }
            if out.count > limit { return .failure(.ENAMETOOLONG) }
            at &+= UInt64(want)
        }
    }

    /// A NULL-terminated array of string pointers (argv, envp), each string
    /// and the whole bounded like Linux's (E2BIG past `maxTotal` bytes).
    static func stringArray(_ task: TaskID, _ address: UInt64, maxTotal: Int = 256 * 1024) -> Result<[[UInt8]], Errno> {
        var out: [[UInt8]] = []
        guard address != 0 else { return .success(out) }
        var total = 0
        var at = address
        while true {
            guard let pointer = readU64(task, at) else { return .failure(.EFAULT) }
            if pointer == 0 { return .success(out) }
            switch string(task, pointer, limit: 128 * 1024) {
            case .failure(let e): return .failure(e == .ENAMETOOLONG ? .E2BIG : e)
            case .success(let s):
                total += s.count + 1 + 8
                guard total <= maxTotal, out.count < 65536 else { return .failure(.E2BIG) }
                out.append(s)
            }
            at &+= 8
        }
    }

    static func registers(_ task: TaskID) -> UserRegisters? {
        var file = [UInt8](repeating: 0, count: UserRegisters.size)
        let ok = file.withUnsafeMutableBytes { raw in
            (try? Tasks.getRegisters(task, into: raw.baseAddress!)) != nil
        }
        return ok ? UserRegisters(file: file) : nil
    }

    static func setRegisters(_ task: TaskID, _ r: UserRegisters) -> Bool {
        let file = r.file
        return file.withUnsafeBytes { raw in (try? Tasks.setRegisters(task, from: raw.baseAddress!)) != nil }
    }
}
