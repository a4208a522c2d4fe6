// Keys at rest: private keys are sealed (AES-256-GCM) under a device key that never leaves the chip before the store
// writes them to flash, so a dump of the flash does not reveal them (IKeyVault.SealPrivateKey in
// hal/NfCerts.Hal/IKeyVault.cs, the same format as HostKeyVault):
//
//   offset  size  field
//   0       1     version, 0x01
//   1       12    nonce, fresh from the hardware RNG (esp_fill_random) for every seal
//   13      16    AES-256-GCM tag (no additional data)
//   29      n     ciphertext, as long as the key
//
// Where the device key comes from depends on the chip (README.md, "Keys at rest"):
//  - chips with the HMAC peripheral (SOC_HMAC_SUPPORTED: ESP32-S2, S3, C3, C5, C6, H2, P4...): HMAC-SHA256 of the fixed
//    message "nf.Certs key seal v1" under the eFuse key block whose purpose is HMAC_UP (esp_hmac_calculate). The
//    eFuse key is read-protected and never reaches software; the derived key exists in RAM only during a call.
//  - the original ESP32 (no HMAC peripheral): 32 random bytes generated once (esp_fill_random) and kept in the
//    encrypted data partition "nfckey", which flash encryption makes unreadable in a dump, as ESP-IDF's NVS keys
//    partition does. Refused with KeyNotProtected when flash encryption is off or the partition is not marked
//    encrypted, unless the firmware is built with NFCERTS_ALLOW_UNPROTECTED_DEVICE_KEY=1 (development only: the key
//    then lies in clear next to the sealed keys).
//
// The device key is derived into one static 64-byte workspace per call and zeroed before the call returns; calls are
// serialised by a mutex. Return values: >= 0 is a length (or 1 for "available"); < 0 a KeyStatus.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "nfcerts_status.h"
#include "soc/soc_caps.h"

namespace nfcerts
{

const uint8_t SealVersion = 0x01;
const size_t SealNonceSize = 12;
const size_t SealTagSize = 16;
const size_t SealOverhead = 1 + SealNonceSize + SealTagSize;
const size_t DeviceKeySize = 32;
// The ESP32's key partition: label, and its record (key, then the first 16 bytes of HMAC-SHA256(key, "nf.Certs
// device key check"), which tells a complete record from a first write cut short).
extern const char DeviceKeyPartitionLabel[];
const size_t DeviceKeyRecordSize = DeviceKeySize + 16;

// Writes the 32-byte device key at workspace[0..32) (workspace holds at least DeviceKeyRecordSize bytes). KeyOk, or
// KeyNotSupported (no key on this device), KeyNotProtected, KeyFailed (the hardware failed).
typedef int (*DeviceKeySource)(uint8_t *workspace, size_t size);

#if SOC_HMAC_SUPPORTED
int DeviceKeyFromHmac(uint8_t *workspace, size_t size);
#endif
int DeviceKeyFromPartition(uint8_t *workspace, size_t size);

// Replaces the chip's source (tests); nullptr restores it.
void SealSetDeviceKeySource(DeviceKeySource source);

// 1 when a device key is available; otherwise the status the source reports. On the ESP32 the first call generates
// and stores the key.
int SealDeviceKeyStatus();

int SealKey(const uint8_t *key, size_t keyLength, uint8_t *out, size_t outSize);

// KeyInvalidData when the blob is malformed, was sealed under another device key, or was altered.
int UnsealKey(const uint8_t *sealed, size_t sealedLength, uint8_t *out, size_t outSize);

} // namespace nfcerts
