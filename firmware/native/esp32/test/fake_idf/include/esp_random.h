// Host stand-in for ESP-IDF's esp_random.h (components/esp_hw_support/include, v5.x).
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void esp_fill_random(void *buf, size_t len);

#ifdef __cplusplus
}
#endif
