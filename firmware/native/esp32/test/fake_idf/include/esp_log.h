// Host stand-in for ESP-IDF's esp_log.h (components/log, v5.x): only the vprintf hook the glue installs to read the
// supplicant's TLS result.
#pragma once

#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int (*vprintf_like_t)(const char *, va_list);

vprintf_like_t esp_log_set_vprintf(vprintf_like_t func);

#ifdef __cplusplus
}
#endif
