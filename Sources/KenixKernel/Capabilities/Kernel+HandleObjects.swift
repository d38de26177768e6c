// What a handle means to its object: the object's revocation epoch, and the
// holder count that decides when the object goes. Tasks, devices, interrupt
// lines, service keys, spawn authorities and the task directory are not
// kept alive by handles; notifications and shared memory are.
import HAL
import KenixABI

extension Kernel {
    /// The object's current revocation epoch; an object that no longer
    /// exists has none any handle can match.
    mutating func currentEpoch(of e: HandleEntry) -> UInt32 {
        switch e.kind {
        case .task?:
            guard let s = tasks.slot(of: TaskID(raw: e.object)) else { return e.epoch }
            return tasks[s].pointee.epoch
        case .notification?:
            guard let i = notifications.index(of: e.object) else { return .max }
            return notifications[i].epoch
        case .sharedMemory?:
            guard let i = shm.index(of: e.object) else { return .max }
            return shm[i].epoch
        default:
            return 0
        }
    }

    /// `handle_revoke`: a new epoch for the object.
    mutating func advanceEpoch(of e: HandleEntry) {
        switch e.kind {
        case .task?: if let s = tasks.slot(of: TaskID(raw: e.object)) { tasks[s].pointee.epoch &+= 1 }
        case .notification?: if let i = notifications.index(of: e.object) { notifications[i].epoch &+= 1 }
        case .sharedMemory?: if let i = shm.index(of: e.object) { shm[i].epoch &+= 1 }
        default: break
        }
    }

    /// A new handle to the object exists.
    mutating func retainObject(_ e: HandleEntry) {
        switch e.kind {
        case .notification?: if let i = notifications.index(of: e.object) { notifications[i].handles += 1 }
        case .sharedMemory?: if let i = shm.index(of: e.object) { shm[i].handles += 1 }
        default: break
        }
    }

    /// A handle to the object went; the last one frees a notification or
    /// (once unmapped and unpinned) shared memory.
    mutating func releaseObject(_ e: HandleEntry) {
        switch e.kind {
        case .notification?:
            guard let i = notifications.index(of: e.object) else { return }
            notifications[i].handles -= 1
            if notifications[i].handles == 0 { destroyNotification(i) }
        case .sharedMemory?:
            guard let i = shm.index(of: e.object) else { return }
            shm[i].handles -= 1
            freeSharedMemoryIfUnused(i)
        default: break
        }
    }
}
