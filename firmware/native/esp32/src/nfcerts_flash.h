// Raw access to the certificate store's data partition through esp_partition_*, with the IFlash contract's checks
// (hal/NfCerts.Hal/IFlash.cs) done before ESP-IDF is called, so a rejected request changes nothing.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "esp_partition.h"
#include "nfcerts_status.h"

namespace nfcerts
{

// The partition label the firmware image's partition table must carry (see README.md).
const char *const StorePartitionLabel = "nfcerts";

struct FlashRegion
{
    const esp_partition_t *partition;
    uint32_t size;           // whole sectors only
    uint32_t sectorSize;     // the partition's erase size (4096 on ESP32 SPI flash)
    uint32_t writeAlignment; // 16 on an encrypted partition (esp_flash_write_encrypted), else 1
};

// Finds the data partition with the label. FlashNotFound when the table has none, FlashIo when its erase size is
// not a power of two or it is smaller than one sector.
int FlashOpen(const char *label, FlashRegion *region);

// Reads count bytes at address. FlashOutOfRange when the range leaves the region.
int FlashRead(const FlashRegion &region, int32_t address, uint8_t *destination, int32_t count);

// Programs count bytes at address: NOR flash stores old AND new. FlashOutOfRange / FlashMisaligned as IFlash says.
int FlashProgram(const FlashRegion &region, int32_t address, const uint8_t *source, int32_t count);

// Erases one sector to 0xFF.
int FlashEraseSector(const FlashRegion &region, int32_t sector);

} // namespace nfcerts
