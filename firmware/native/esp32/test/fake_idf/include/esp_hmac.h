// Host stand-in for ESP-IDF's esp_hmac.h (components/esp_security/include in v5.5, esp_hw_support before): HMAC-SHA256
// in "upstream" mode with an eFuse key whose purpose is ESP_EFUSE_KEY_PURPOSE_HMAC_UP; the key never leaves the
// peripheral. The fake computes the same HMAC with mbedTLS from the key burnt with fake_idf::BurnKey.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"
#include "hal/hmac_types.h"
#include "soc/soc_caps.h"

#if !SOC_HMAC_SUPPORTED
#error "HMAC peripheral is not supported for the selected target"
#endif

#ifdef __cplusplus
extern "C" {
#endif

esp_err_t esp_hmac_calculate(hmac_key_id_t key_id, const void *message, size_t message_len, uint8_t *hmac);

#ifdef __cplusplus
}
#endif
