// Well-known service keys for `service_register` / `service_lookup`.

public enum ServiceKey: UInt64, CaseIterable {
    case console = 1
    // 2 is the file server's (the VFS, being written beside the block server).
    /// The block server (docs/block.md).
    case block = 3
}
