// Host stand-in for ESP-IDF's esp_flash_encrypt.h (components/bootloader_support/include, v5.x).
#pragma once

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

// True when flash encryption is on (the FLASH_CRYPT_CNT / SPI_BOOT_CRYPT_CNT eFuse has an odd number of bits set).
bool esp_flash_encryption_enabled(void);

#ifdef __cplusplus
}
#endif
