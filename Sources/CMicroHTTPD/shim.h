#ifndef INKBRIDGE_CMICROHTTPD_SHIM_H
#define INKBRIDGE_CMICROHTTPD_SHIM_H
// microhttpd.h does not include what it uses itself.
#include <stdarg.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <microhttpd.h>
#endif
