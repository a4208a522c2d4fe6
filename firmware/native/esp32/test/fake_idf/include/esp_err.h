// Host stand-in for ESP-IDF's esp_err.h (components/esp_common/include/esp_err.h, v5.x): the type and the codes the
// glue uses, with their real values.
#pragma once

typedef int esp_err_t;

#define ESP_OK 0
#define ESP_FAIL -1
#define ESP_ERR_NO_MEM 0x101
#define ESP_ERR_INVALID_ARG 0x102
#define ESP_ERR_INVALID_STATE 0x103
#define ESP_ERR_INVALID_SIZE 0x104
#define ESP_ERR_NOT_FOUND 0x105
#define ESP_ERR_NOT_SUPPORTED 0x106
#define ESP_ERR_TIMEOUT 0x107
#define ESP_ERR_FLASH_BASE 0x6000
#define ESP_ERR_WIFI_BASE 0x3000
