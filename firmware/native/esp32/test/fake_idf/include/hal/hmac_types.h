// Host stand-in for ESP-IDF's hal/hmac_types.h (components/hal/include, v5.x): the eFuse key used by the HMAC
// peripheral, numbered from the first key block (HMAC_KEY0 is EFUSE_BLK_KEY0).
#pragma once

typedef enum {
    HMAC_KEY0 = 0,
    HMAC_KEY1,
    HMAC_KEY2,
    HMAC_KEY3,
    HMAC_KEY4,
    HMAC_KEY5,
    HMAC_KEY_MAX
} hmac_key_id_t;
