// The fake's NOR flash partitions (esp_partition.h): erase in whole erase_size units, program ANDs, bounds, and on
// encrypted partitions 16-byte units, erased flash reading as noise and esp_partition_read_raw seeing "ciphertext".
#include <stdio.h>
#include <string.h>

#include <map>
#include <string>
#include <vector>

#include "esp_partition.h"
#include "fake_idf.h"
#include "fake_internal.h"

namespace fake_idf
{

namespace
{

struct Partition
{
    esp_partition_t info;
    std::vector<uint8_t> data;          // what esp_partition_read returns for programmed bytes
    std::vector<bool> programmed;       // per 16-byte block since its erase (encrypted partitions)
    std::vector<int> erases;
    int calls = 0;
    uint8_t *lastDestination = nullptr; // of the last esp_partition_read, and what it delivered
    std::vector<uint8_t> lastRead;
};

struct Flash
{
    std::map<std::string, Partition> partitions;
};

Flash &F()
{
    static Flash flash;
    return flash;
}

} // namespace

void ResetFlash()
{
    F().partitions.clear();
}

void AddPartition(const std::string &label, uint32_t size, bool encrypted, uint32_t eraseSize)
{
    Partition p;
    memset(&p.info, 0, sizeof(p.info));
    p.info.type = ESP_PARTITION_TYPE_DATA;
    p.info.subtype = ESP_PARTITION_SUBTYPE_DATA_UNDEFINED;
    p.info.address = 0x3A0000;
    p.info.size = size;
    p.info.erase_size = eraseSize;
    p.info.encrypted = encrypted;
    snprintf(p.info.label, sizeof(p.info.label), "%s", label.c_str());
    p.data.assign(size, 0xFF);
    p.programmed.assign(size / 16 + 1, false);
    p.erases.assign(size / eraseSize + 1, 0);
    F().partitions[label] = p;
}

std::vector<uint8_t> &PartitionData(const std::string &label)
{
    return F().partitions[label].data;
}

int EraseCount(const std::string &label, uint32_t sector)
{
    return F().partitions[label].erases[sector];
}

int DriverCalls(const std::string &label)
{
    return F().partitions[label].calls;
}

uint8_t *LastReadDestination(const std::string &label)
{
    return F().partitions[label].lastDestination;
}

std::vector<uint8_t> LastReadValue(const std::string &label)
{
    return F().partitions[label].lastRead;
}

} // namespace fake_idf

using fake_idf::F;

namespace
{

fake_idf::Partition *Find(const esp_partition_t *partition)
{
    for (auto &entry : F().partitions)
    {
        if (&entry.second.info == partition)
        {
            return &entry.second;
        }
    }

    return nullptr;
}

// The fake's stand-in for the flash encryption keystream at an address (what XTS-AES would XOR in).
uint8_t Pad(size_t address)
{
    return (uint8_t)((address * 167u + 59u) ^ (address >> 8));
}

esp_err_t CheckBounds(const fake_idf::Partition &p, size_t offset, size_t size)
{
    if (offset > p.info.size)
    {
        return ESP_ERR_INVALID_ARG;
    }

    if (size > p.info.size - offset)
    {
        return ESP_ERR_INVALID_SIZE;
    }

    return ESP_OK;
}

// Both reads: the driver call, then each byte as the chosen view of the medium shows it.
esp_err_t Read(const char *function, const esp_partition_t *partition, size_t offset, void *dst, size_t size, bool raw)
{
    esp_err_t err;
    if (fake_idf::Failing(function, err))
    {
        return err;
    }

    fake_idf::Partition *p = Find(partition);
    if (p == nullptr || dst == nullptr)
    {
        return ESP_ERR_INVALID_ARG;
    }

    p->calls++;
    err = CheckBounds(*p, offset, size);
    if (err != ESP_OK)
    {
        return err;
    }

    uint8_t *out = (uint8_t *)dst;
    for (size_t i = 0; i < size; i++)
    {
        size_t at = offset + i;
        bool programmed = p->programmed[at / 16];
        if (!p->info.encrypted)
        {
            out[i] = p->data[at];
        }
        else if (raw)
        {
            out[i] = programmed ? (uint8_t)(p->data[at] ^ Pad(at)) : 0xFF; // ciphertext; erased is 0xFF
        }
        else
        {
            // The flash cache decrypts whatever is there: erased flash comes out as noise, not 0xFF.
            out[i] = programmed ? p->data[at] : (uint8_t)(Pad(at) ^ 0xFF);
        }
    }

    if (!raw)
    {
        p->lastDestination = out;
        p->lastRead.assign(out, out + size);
    }

    return ESP_OK;
}

} // namespace

extern "C" {

const esp_partition_t *esp_partition_find_first(esp_partition_type_t type, esp_partition_subtype_t subtype,
                                                const char *label)
{
    fake_idf::RecordCall("esp_partition_find_first");
    for (auto &entry : F().partitions)
    {
        const esp_partition_t &info = entry.second.info;
        if ((type == ESP_PARTITION_TYPE_ANY || info.type == type) &&
            (subtype == ESP_PARTITION_SUBTYPE_ANY || info.subtype == subtype) &&
            (label == nullptr || strcmp(label, info.label) == 0))
        {
            return &entry.second.info;
        }
    }

    return nullptr;
}

esp_err_t esp_partition_read(const esp_partition_t *partition, size_t src_offset, void *dst, size_t size)
{
    return Read("esp_partition_read", partition, src_offset, dst, size, false);
}

esp_err_t esp_partition_read_raw(const esp_partition_t *partition, size_t src_offset, void *dst, size_t size)
{
    return Read("esp_partition_read_raw", partition, src_offset, dst, size, true);
}

esp_err_t esp_partition_write(const esp_partition_t *partition, size_t dst_offset, const void *src, size_t size)
{
    esp_err_t err;
    if (fake_idf::Failing("esp_partition_write", err))
    {
        return err;
    }

    fake_idf::Partition *p = Find(partition);
    if (p == nullptr || src == nullptr)
    {
        return ESP_ERR_INVALID_ARG;
    }

    p->calls++;
    err = CheckBounds(*p, dst_offset, size);
    if (err != ESP_OK)
    {
        return err;
    }

    if (p->info.encrypted && (dst_offset % 16 != 0 || size % 16 != 0))
    {
        return ESP_ERR_INVALID_ARG; // esp_flash_write_encrypted: 16-byte units
    }

    const uint8_t *bytes = (const uint8_t *)src;
    for (size_t i = 0; i < size; i++)
    {
        p->data[dst_offset + i] &= bytes[i]; // NOR: programming only clears bits
        p->programmed[(dst_offset + i) / 16] = true;
    }

    return ESP_OK;
}

esp_err_t esp_partition_erase_range(const esp_partition_t *partition, size_t offset, size_t size)
{
    esp_err_t err;
    if (fake_idf::Failing("esp_partition_erase_range", err))
    {
        return err;
    }

    fake_idf::Partition *p = Find(partition);
    if (p == nullptr)
    {
        return ESP_ERR_INVALID_ARG;
    }

    p->calls++;
    if (offset % p->info.erase_size != 0 || size % p->info.erase_size != 0)
    {
        return ESP_ERR_INVALID_ARG;
    }

    err = CheckBounds(*p, offset, size);
    if (err != ESP_OK)
    {
        return err;
    }

    memset(p->data.data() + offset, 0xFF, size);
    for (size_t block = offset / 16; block < (offset + size) / 16; block++)
    {
        p->programmed[block] = false;
    }

    for (size_t sector = offset / p->info.erase_size; sector < (offset + size) / p->info.erase_size; sector++)
    {
        p->erases[sector]++;
    }

    return ESP_OK;
}

} // extern "C"
