// Unicorn's C API for HALHostSim (Debian's libunicorn-dev).
#include <unicorn/unicorn.h>
