// The two sources of the sealing key (nfcerts_seal.h): the HMAC peripheral with an eFuse key, and the ESP32's
// encrypted key partition.
#include "nfcerts_mbedtls_config.h"

#include "nfcerts_seal.h"

#include <string.h>

#include "esp_flash_encrypt.h"
#include "esp_partition.h"
#include "esp_random.h"
#include "mbedtls/md.h"
#include "mbedtls/platform_util.h"

#if SOC_HMAC_SUPPORTED
#include "esp_efuse.h"
#include "esp_hmac.h"
#endif

#if !defined(NFCERTS_ALLOW_UNPROTECTED_DEVICE_KEY)
#define NFCERTS_ALLOW_UNPROTECTED_DEVICE_KEY 0
#endif

namespace nfcerts
{

const char DeviceKeyPartitionLabel[] = "nfckey";

#if SOC_HMAC_SUPPORTED

int DeviceKeyFromHmac(uint8_t *workspace, size_t size)
{
    static const char message[] = "nf.Certs key seal v1";
    if (size < DeviceKeySize)
    {
        return KeyFailed;
    }

    // Provisioned once per device: espefuse.py burn_key BLOCK_KEYn <32 random bytes> HMAC_UP (README.md).
    esp_efuse_block_t block;
    if (!esp_efuse_find_purpose(ESP_EFUSE_KEY_PURPOSE_HMAC_UP, &block))
    {
        return KeyNotSupported;
    }

    hmac_key_id_t id = (hmac_key_id_t)(block - EFUSE_BLK_KEY0);
    return esp_hmac_calculate(id, message, sizeof(message) - 1, workspace) == ESP_OK ? KeyOk : KeyFailed;
}

#endif

namespace
{

// record = key || first 16 bytes of HMAC-SHA256(key, "nf.Certs device key check")
void RecordCheck(const uint8_t *key, uint8_t *check)
{
    static const char label[] = "nf.Certs device key check";
    uint8_t mac[32];
    mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), key, DeviceKeySize, (const unsigned char *)label,
                    sizeof(label) - 1, mac);
    memcpy(check, mac, DeviceKeyRecordSize - DeviceKeySize);
    mbedtls_platform_zeroize(mac, sizeof(mac));
}

bool RecordComplete(const uint8_t *record)
{
    uint8_t check[DeviceKeyRecordSize - DeviceKeySize];
    RecordCheck(record, check);
    bool same = memcmp(check, record + DeviceKeySize, sizeof(check)) == 0;
    mbedtls_platform_zeroize(check, sizeof(check));
    return same;
}

bool Erased(const uint8_t *bytes, size_t length)
{
    for (size_t i = 0; i < length; i++)
    {
        if (bytes[i] != 0xFF)
        {
            return false;
        }
    }

    return true;
}

// Generates a key, programs its record and reads it back. The record is written whole before the key is used, so
// a power cut leaves either an erased partition or an incomplete record (never used, replaced on the next call).
int CreateRecord(const esp_partition_t *partition, uint8_t *record)
{
    esp_fill_random(record, DeviceKeySize);
    RecordCheck(record, record + DeviceKeySize);
    uint8_t back[DeviceKeyRecordSize];
    bool ok = esp_partition_write(partition, 0, record, DeviceKeyRecordSize) == ESP_OK &&
              esp_partition_read(partition, 0, back, sizeof(back)) == ESP_OK &&
              memcmp(back, record, sizeof(back)) == 0;
    mbedtls_platform_zeroize(back, sizeof(back));
    return ok ? KeyOk : KeyFailed;
}

} // namespace

int DeviceKeyFromPartition(uint8_t *workspace, size_t size)
{
    if (size < DeviceKeyRecordSize)
    {
        return KeyFailed;
    }

    const esp_partition_t *partition =
        esp_partition_find_first(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_ANY, DeviceKeyPartitionLabel);
    if (partition == nullptr)
    {
        return KeyNotSupported;
    }

    // Without flash encryption (or on a partition not flagged "encrypted", which stays plaintext even then) the
    // key would be readable in a dump next to the keys it seals.
    if (!NFCERTS_ALLOW_UNPROTECTED_DEVICE_KEY && (!esp_flash_encryption_enabled() || !partition->encrypted))
    {
        return KeyNotProtected;
    }

    // Erased encrypted flash decrypts to noise: whether a record exists is told from the raw bytes.
    uint8_t raw[DeviceKeyRecordSize];
    if (esp_partition_read_raw(partition, 0, raw, sizeof(raw)) != ESP_OK)
    {
        return KeyFailed;
    }

    if (Erased(raw, sizeof(raw)))
    {
        return CreateRecord(partition, workspace);
    }

    if (esp_partition_read(partition, 0, workspace, DeviceKeyRecordSize) != ESP_OK)
    {
        return KeyFailed;
    }

    if (RecordComplete(workspace))
    {
        return KeyOk;
    }

    // A first write cut short: nothing was ever sealed under it.
    if (esp_partition_erase_range(partition, 0, partition->erase_size) != ESP_OK)
    {
        return KeyFailed;
    }

    return CreateRecord(partition, workspace);
}

} // namespace nfcerts
