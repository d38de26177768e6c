// vfs: the file server (docs/vfs.md). init starts it right after the
// console; it never returns.

@_cdecl("main")
func main(_ arg: UInt64, _ parent: TaskID) -> Int64 {
    FileServer().run()
}
