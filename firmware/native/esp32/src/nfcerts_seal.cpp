#include "nfcerts_mbedtls_config.h"

#include "nfcerts_seal.h"

#include <string.h>

#include <mutex>

#include "esp_random.h"
#include "mbedtls/cipher.h"
#include "mbedtls/gcm.h"
#include "mbedtls/platform_util.h"

namespace nfcerts
{

namespace
{

DeviceKeySource ChipSource()
{
#if SOC_HMAC_SUPPORTED
    return &DeviceKeyFromHmac;
#else
    return &DeviceKeyFromPartition;
#endif
}

struct Sealer
{
    std::mutex mutex;
    DeviceKeySource source = nullptr;
    uint8_t workspace[64]; // the device key (and, on the ESP32, its record) during one call; zero otherwise
};

Sealer &TheSealer()
{
    static Sealer sealer;
    return sealer;
}

// Holds the device key for the length of one call and zeroes it on every way out.
class DeviceKey
{
public:
    explicit DeviceKey(Sealer &sealer) : sealer_(sealer), lock_(sealer.mutex)
    {
        DeviceKeySource source = sealer_.source != nullptr ? sealer_.source : ChipSource();
        status_ = source(sealer_.workspace, sizeof(sealer_.workspace));
    }

    ~DeviceKey()
    {
        mbedtls_platform_zeroize(sealer_.workspace, sizeof(sealer_.workspace));
    }

    DeviceKey(const DeviceKey &) = delete;
    DeviceKey &operator=(const DeviceKey &) = delete;

    int Status() const
    {
        return status_;
    }

    const uint8_t *Bytes() const
    {
        return sealer_.workspace;
    }

private:
    Sealer &sealer_;
    std::lock_guard<std::mutex> lock_;
    int status_;
};

// AES-256-GCM with no additional data; the context is zeroed by mbedtls_gcm_free.
int Gcm(const DeviceKey &key, bool encrypt, const uint8_t *nonce, const uint8_t *input, size_t length, uint8_t *tag,
        uint8_t *output)
{
    mbedtls_gcm_context gcm;
    mbedtls_gcm_init(&gcm);
    int ret = mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, key.Bytes(), (unsigned int)(DeviceKeySize * 8));
    if (ret == 0)
    {
        ret = encrypt ? mbedtls_gcm_crypt_and_tag(&gcm, MBEDTLS_GCM_ENCRYPT, length, nonce, SealNonceSize, nullptr, 0,
                                                  input, output, SealTagSize, tag)
                      : mbedtls_gcm_auth_decrypt(&gcm, length, nonce, SealNonceSize, nullptr, 0, tag, SealTagSize,
                                                 input, output);
    }

    mbedtls_gcm_free(&gcm);
    return ret;
}

} // namespace

void SealSetDeviceKeySource(DeviceKeySource source)
{
    Sealer &sealer = TheSealer();
    std::lock_guard<std::mutex> lock(sealer.mutex);
    sealer.source = source;
}

int SealDeviceKeyStatus()
{
    DeviceKey key(TheSealer());
    return key.Status() == KeyOk ? 1 : key.Status();
}

int SealKey(const uint8_t *key, size_t keyLength, uint8_t *out, size_t outSize)
{
    if (key == nullptr || keyLength == 0 || out == nullptr)
    {
        return KeyInvalidData;
    }

    if (outSize < SealOverhead || outSize - SealOverhead < keyLength)
    {
        return KeyBufferTooSmall;
    }

    DeviceKey deviceKey(TheSealer());
    if (deviceKey.Status() != KeyOk)
    {
        return deviceKey.Status();
    }

    out[0] = SealVersion;
    esp_fill_random(out + 1, SealNonceSize);
    if (Gcm(deviceKey, true, out + 1, key, keyLength, out + 1 + SealNonceSize, out + SealOverhead) != 0)
    {
        mbedtls_platform_zeroize(out, outSize);
        return KeyFailed;
    }

    return (int)(SealOverhead + keyLength);
}

int UnsealKey(const uint8_t *sealed, size_t sealedLength, uint8_t *out, size_t outSize)
{
    if (sealed == nullptr || out == nullptr || sealedLength <= SealOverhead || sealed[0] != SealVersion)
    {
        return KeyInvalidData;
    }

    size_t keyLength = sealedLength - SealOverhead;
    if (outSize < keyLength)
    {
        return KeyBufferTooSmall;
    }

    DeviceKey deviceKey(TheSealer());
    if (deviceKey.Status() != KeyOk)
    {
        return deviceKey.Status();
    }

    uint8_t tag[SealTagSize];
    memcpy(tag, sealed + 1 + SealNonceSize, SealTagSize);
    int ret = Gcm(deviceKey, false, sealed + 1, sealed + SealOverhead, keyLength, tag, out);
    if (ret != 0)
    {
        mbedtls_platform_zeroize(out, keyLength); // mbedTLS already clears it on a tag mismatch; be sure
        return ret == MBEDTLS_ERR_GCM_AUTH_FAILED ? KeyInvalidData : KeyFailed;
    }

    return (int)keyLength;
}

} // namespace nfcerts
