#ifndef INKBRIDGE_CMIMALLOC_SHIM_H
#define INKBRIDGE_CMIMALLOC_SHIM_H
// Linked into the `inkbridge` executable only: Debian's libmimalloc exports malloc and free,
// so loading it ahead of glibc replaces the allocator of the whole process.
#include <mimalloc.h>
#endif
