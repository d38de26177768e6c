// BlockDisk: the block server's disk (libkenix BlockClient, docs/block.md)
// as the file systems' BlockStore. Sector runs go to the block server one
// buffer's worth per request (the client's shared buffer, 256 KiB here, so
// a 2 MiB file is a handful of requests), and its errors become file
// errors: a device failure, a run outside the disk or a block server that
// has gone away are `ioError`, a read-only disk is `readOnly`.

final class BlockDisk: BlockStore {
    let client: BlockClient

    init(_ client: BlockClient) { self.client = client }

    var sectorSize: Int { client.sectorSize }
    var sectorCount: UInt64 { client.sectorCount }
    var isReadOnly: Bool { client.isReadOnly }

    func read(sector: UInt64, count: Int, into buffer: UnsafeMutableRawBufferPointer) throws(FileError) {
        do throws(BlockError) { try client.readSectors(sector, count: count, into: buffer) } catch {
            throw Self.fileError(error)
        }
    }

    func write(sector: UInt64, count: Int, from buffer: UnsafeRawBufferPointer) throws(FileError) {
        do throws(BlockError) { try client.writeSectors(sector, count: count, from: buffer) } catch {
            throw Self.fileError(error)
        }
    }

    func flush() throws(FileError) {
        do throws(BlockError) { try client.flush() } catch { throw Self.fileError(error) }
    }

    static func fileError(_ error: BlockError) -> FileError {
        error.isReadOnly ? .readOnly : .ioError
    }
}
