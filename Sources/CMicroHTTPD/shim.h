#ifndef INKBRIDGE_CMICROHTTPD_SHIM_H
#define INKBRIDGE_CMICROHTTPD_SHIM_H
// microhttpd.h does not include what it uses itself.
#include <stdarg.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <microhttpd.h>

// MHD_get_daemon_info is variadic, which Swift cannot call: typed wrapper.
// Returns the port the daemon actually bound (0 if unknown).
static inline uint16_t inkbridge_mhd_bind_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info != NULL ? info->port : 0;
}
#endif
