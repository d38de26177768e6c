/* <errno.h> for Kenix: the POSIX file API is declared in kenix_files.h (docs/files.md). */
#include "kenix_files.h"
