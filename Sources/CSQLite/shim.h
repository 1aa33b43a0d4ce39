#ifndef INKBRIDGE_CSQLITE_SHIM_H
#define INKBRIDGE_CSQLITE_SHIM_H
#include <sqlite3.h>
// SQLITE_TRANSIENT is a macro casting -1 to a function pointer; Swift cannot import it.
static inline sqlite3_destructor_type ib_sqlite_transient(void) { return SQLITE_TRANSIENT; }
// sqlite3_config is variadic; Swift cannot call it. Memory statistics take a global mutex
// on every allocation inside SQLite; the hub never reads them. Must run before SQLite
// initialises (answers SQLITE_MISUSE, harmlessly, afterwards).
static inline int ib_sqlite_disable_memstatus(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }
#endif
