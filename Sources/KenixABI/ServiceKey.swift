// Well-known service keys for `service_register` / `service_lookup`.

public enum ServiceKey: UInt64, CaseIterable {
    case console = 1
    /// The VFS server (docs/vfs.md; its protocol is in FileSystem.swift).
    case files = 2
    /// The block server (docs/block.md).
    case block = 3
    /// The Linux personality server (docs/linux.md; LinuxServiceOp).
    case linux = 4
}
