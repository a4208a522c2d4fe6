// Host stand-in for ESP-IDF's esp_log.h (components/log, v5.x): the vprintf hook the glue installs to read the
// supplicant's TLS result, and the per-tag levels (the fake's supplicant prints only what the "wpa" tag's level lets
// through, as esp_log_write does).
#pragma once

#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    ESP_LOG_NONE = 0,
    ESP_LOG_ERROR = 1,
    ESP_LOG_WARN = 2,
    ESP_LOG_INFO = 3,
    ESP_LOG_DEBUG = 4,
    ESP_LOG_VERBOSE = 5,
    ESP_LOG_MAX = 6
} esp_log_level_t;

typedef int (*vprintf_like_t)(const char *, va_list);

vprintf_like_t esp_log_set_vprintf(vprintf_like_t func);
void esp_log_level_set(const char *tag, esp_log_level_t level);
esp_log_level_t esp_log_level_get(const char *tag);

#ifdef __cplusplus
}
#endif
