// The fake's security hardware: eFuse key blocks (with purposes), the HMAC peripheral, the flash encryption state and
// the random number generator, behind the real ESP-IDF signatures (include/esp_efuse.h, esp_hmac.h,
// esp_flash_encrypt.h, esp_random.h).
#include "fake_idf.h"

#include <string.h>

#include <deque>
#include <map>

#include "esp_flash_encrypt.h"
#include "esp_hmac.h"
#include "esp_random.h"
#include "mbedtls/md.h"

namespace fake_idf
{

namespace
{

struct KeyBlock
{
    esp_efuse_purpose_t purpose;
    std::vector<uint8_t> key;
};

struct Hardware
{
    std::map<int, KeyBlock> blocks;
    bool flashEncryption = false;
    std::deque<uint8_t> queuedRandom;
    uint32_t generator = 0x2545F491u;
    uint8_t *hmacOutput = nullptr;
    std::vector<uint8_t> hmacValue;
};

Hardware &T()
{
    static Hardware security;
    return security;
}

} // namespace

void ResetSecurity()
{
    T() = Hardware();
}

void BurnKey(esp_efuse_block_t block, esp_efuse_purpose_t purpose, const std::vector<uint8_t> &key)
{
    KeyBlock burnt = {purpose, key};
    T().blocks[block] = burnt;
}

void SetFlashEncryption(bool enabled)
{
    T().flashEncryption = enabled;
}

void QueueRandom(const std::vector<uint8_t> &bytes)
{
    T().queuedRandom.insert(T().queuedRandom.end(), bytes.begin(), bytes.end());
}

uint8_t *LastHmacOutput()
{
    return T().hmacOutput;
}

std::vector<uint8_t> LastHmacValue()
{
    return T().hmacValue;
}

} // namespace fake_idf

using fake_idf::T;

extern "C" {

bool esp_efuse_find_purpose(esp_efuse_purpose_t purpose, esp_efuse_block_t *block)
{
    for (int b = EFUSE_BLK_KEY0; b < EFUSE_BLK_KEY_MAX; b++)
    {
        auto it = T().blocks.find(b);
        if (it != T().blocks.end() && it->second.purpose == purpose)
        {
            if (block != nullptr)
            {
                *block = (esp_efuse_block_t)b;
            }

            return true;
        }
    }

    return false;
}

esp_err_t esp_hmac_calculate(hmac_key_id_t key_id, const void *message, size_t message_len, uint8_t *hmac)
{
    if (message == nullptr || hmac == nullptr || key_id >= HMAC_KEY_MAX)
    {
        return ESP_ERR_INVALID_ARG;
    }

    // The peripheral accepts only a key block whose purpose is HMAC upstream (esp_hmac.h).
    auto it = T().blocks.find(EFUSE_BLK_KEY0 + (int)key_id);
    if (it == T().blocks.end() || it->second.purpose != ESP_EFUSE_KEY_PURPOSE_HMAC_UP)
    {
        return ESP_FAIL;
    }

    const std::vector<uint8_t> &key = it->second.key;
    if (mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), key.data(), key.size(),
                        (const unsigned char *)message, message_len, hmac) != 0)
    {
        return ESP_FAIL;
    }

    T().hmacOutput = hmac;
    T().hmacValue.assign(hmac, hmac + 32);
    return ESP_OK;
}

bool esp_flash_encryption_enabled(void)
{
    return T().flashEncryption;
}

void esp_fill_random(void *buf, size_t len)
{
    uint8_t *out = (uint8_t *)buf;
    for (size_t i = 0; i < len; i++)
    {
        if (!T().queuedRandom.empty())
        {
            out[i] = T().queuedRandom.front();
            T().queuedRandom.pop_front();
            continue;
        }

        uint32_t &x = T().generator; // xorshift32: distinct, reproducible bytes
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        out[i] = (uint8_t)x;
    }
}

} // extern "C"
