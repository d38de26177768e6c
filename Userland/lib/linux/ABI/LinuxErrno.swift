// LinuxErrno: the errno values a Linux task sees, negated in x0
// (asm-generic/errno-base.h and errno.h).

public enum Errno: Int64, Error {
    case EPERM = 1
    case ENOENT = 2
    case ESRCH = 3
    case EINTR = 4
    case EIO = 5
    case ENXIO = 6
    case E2BIG = 7
    case ENOEXEC = 8
    case EBADF = 9
    case ECHILD = 10
    case EAGAIN = 11
    case ENOMEM = 12
    case EACCES = 13
    case EFAULT = 14
    case EBUSY = 16
    case EEXIST = 17
    case EXDEV = 18
    case ENODEV = 19
    case ENOTDIR = 20
    case EISDIR = 21
    case EINVAL = 22
    case ENFILE = 23
    case EMFILE = 24
    case ENOTTY = 25
    case EFBIG = 27
    case ENOSPC = 28
    case ESPIPE = 29
    case EROFS = 30
    case EMLINK = 31
    case EPIPE = 32
    case ERANGE = 34
    case ENAMETOOLONG = 36
    case ENOSYS = 38
    case ENOTEMPTY = 39
    case ELOOP = 40
    case ENOBUFS = 105
    case EOPNOTSUPP = 95
    case ETIMEDOUT = 110

    /// The value a syscall returns in x0.
    public var result: Int64 { -rawValue }
}
