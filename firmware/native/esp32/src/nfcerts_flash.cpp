#include "nfcerts_flash.h"

namespace nfcerts
{

namespace
{

int MapError(esp_err_t err)
{
    if (err == ESP_OK)
    {
        return FlashOk;
    }

    // The checks below make ESP-IDF's own range errors unreachable; if one comes back anyway it is still a range
    // problem, never something to retry.
    if (err == ESP_ERR_INVALID_ARG || err == ESP_ERR_INVALID_SIZE)
    {
        return FlashOutOfRange;
    }

    return FlashIo;
}

bool InRange(const FlashRegion &region, int32_t address, int32_t count)
{
    return address >= 0 && count >= 0 && (uint32_t)address <= region.size &&
           (uint32_t)count <= region.size - (uint32_t)address;
}

} // namespace

int FlashOpen(const char *label, FlashRegion *region)
{
    const esp_partition_t *partition =
        esp_partition_find_first(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_ANY, label);
    if (partition == nullptr)
    {
        return FlashNotFound;
    }

    uint32_t sector = partition->erase_size;
    if (sector == 0 || (sector & (sector - 1)) != 0 || partition->size < sector)
    {
        return FlashIo;
    }

    region->partition = partition;
    region->sectorSize = sector;
    region->size = partition->size - partition->size % sector;
    region->writeAlignment = partition->encrypted ? 16 : 1;
    return FlashOk;
}

int FlashRead(const FlashRegion &region, int32_t address, uint8_t *destination, int32_t count)
{
    if (!InRange(region, address, count))
    {
        return FlashOutOfRange;
    }

    if (count == 0)
    {
        return FlashOk;
    }

    return MapError(esp_partition_read(region.partition, (size_t)address, destination, (size_t)count));
}

int FlashProgram(const FlashRegion &region, int32_t address, const uint8_t *source, int32_t count)
{
    if (!InRange(region, address, count))
    {
        return FlashOutOfRange;
    }

    if ((uint32_t)address % region.writeAlignment != 0 || (uint32_t)count % region.writeAlignment != 0)
    {
        return FlashMisaligned;
    }

    if (count == 0)
    {
        return FlashOk;
    }

    return MapError(esp_partition_write(region.partition, (size_t)address, source, (size_t)count));
}

int FlashEraseSector(const FlashRegion &region, int32_t sector)
{
    if (sector < 0 || (uint32_t)sector >= region.size / region.sectorSize)
    {
        return FlashOutOfRange;
    }

    return MapError(esp_partition_erase_range(region.partition, (size_t)sector * region.sectorSize,
                                              region.sectorSize));
}

} // namespace nfcerts
