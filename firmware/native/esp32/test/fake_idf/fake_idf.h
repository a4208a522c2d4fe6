// Control and inspection side of the ESP-IDF fake. The fake implements the ESP-IDF functions the glue calls (with
// the real signatures, see include/) and behaves like the driver, the supplicant and the SPI flash:
//  - esp_wifi_connect queues the events a real attempt produces (STA_CONNECTED, IP_EVENT_STA_GOT_IP, or
//    STA_DISCONNECTED with the reason ESP-IDF reports); they are delivered when the test runs the event loop;
//  - EAP-TLS attempts read the CA, certificate, key and password through the pointers esp_eap_client_* kept,
//    parse them with mbedTLS as the supplicant does, and compare them with what was passed in: a buffer the glue
//    released or changed too early is counted (and, under AddressSanitizer, reported as a use after free);
//  - a disconnect during an EAP exchange lets the "supplicant" read the kept buffers once more when the
//    disconnect event is delivered, as the real one may until it has processed the disconnect;
//  - certificate failures are announced the way the real supplicant does: a log line through the installed
//    esp_log vprintf hook, then a disconnect with WIFI_REASON_802_1X_AUTH_FAILED;
//  - partitions are NOR flash: erase only in whole erase_size units, program ANDs, bounds and (encrypted)
//    16-byte alignment rules as esp_partition.h documents; an encrypted partition reads erased flash as noise
//    through esp_partition_read and holds "ciphertext" for esp_partition_read_raw;
//  - the security hardware (fake_security.cpp): eFuse key blocks with purposes, the HMAC peripheral (HMAC-SHA256
//    with a key that only the fake can read), the flash encryption state and the random number generator.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <string>
#include <vector>

#include "esp_efuse.h"
#include "esp_err.h"
#include "esp_partition.h"
#include "esp_wifi.h"

namespace fake_idf
{

enum Security
{
    ApOpen = 0,
    ApWpa2Psk = 1,
    ApWpa2Enterprise = 2
};

struct AccessPoint
{
    std::string ssid;
    Security security = ApOpen;
    std::string psk;                  // WPA2-PSK passphrase
    std::vector<uint8_t> serverRoot;  // DER root of the RADIUS server's chain
    std::string serverName;           // DNS name in the RADIUS server's certificate
    bool acceptClientCertificate = true;
    std::vector<uint8_t> clientRoot;  // when set, the RADIUS server verifies the client's chain against this root only
    std::string expectedIdentity;     // empty: any
};

struct EapState
{
    bool enterpriseEnabled = false;
    bool timeCheckDisabled = false;
    const unsigned char *ca = nullptr;
    int caLength = 0;
    const unsigned char *certificate = nullptr;
    int certificateLength = 0;
    const unsigned char *key = nullptr;
    int keyLength = 0;
    const unsigned char *password = nullptr;
    int passwordLength = 0;
    std::string identity;
    bool hasDomain = false;
    std::string domain;
};

void Reset();
void AddAccessPoint(const AccessPoint &ap);
void RemoveAccessPoint(const std::string &ssid);

// Delivers every queued event to the registered handlers, in order (the default event loop task).
void RunEvents();
// The access point drops an established link (beacon loss, deauthentication).
void DropLink(uint8_t reason);

// Names of the ESP-IDF functions called so far, in order.
const std::vector<std::string> &Calls();
void ClearCalls();
// Index of the first call named name at or after from, or -1.
int IndexOf(const std::string &name, int from = 0);

const EapState &Eap();
const wifi_config_t &LastConfig();
bool LinkUp();
// How often the driver or supplicant found a kept buffer whose bytes no longer match what was passed in.
int StaleBufferReads();
// How often the supplicant read the kept buffers at all.
int BufferReads();

// Makes the next call of the named function return err without doing anything.
void FailNext(const std::string &function, esp_err_t err);

// Partitions.
void AddPartition(const std::string &label, uint32_t size, bool encrypted, uint32_t eraseSize = 4096);
std::vector<uint8_t> &PartitionData(const std::string &label);
int EraseCount(const std::string &label, uint32_t sector);
int DriverCalls(const std::string &label); // read + write + erase calls that reached the partition

// Security hardware (fake_security.cpp). Reset() leaves no key burnt, flash encryption off and a seeded generator.
void ResetSecurity();
// Burns a 32-byte key into an eFuse key block (EFUSE_BLK_KEY0..KEY5) with a purpose, as espefuse.py burn_key does.
void BurnKey(esp_efuse_block_t block, esp_efuse_purpose_t purpose, const std::vector<uint8_t> &key);
void SetFlashEncryption(bool enabled);
// The next esp_fill_random calls return these bytes first, then the generator's.
void QueueRandom(const std::vector<uint8_t> &bytes);
// Where the last esp_hmac_calculate wrote its 32 bytes, and what it wrote.
uint8_t *LastHmacOutput();
std::vector<uint8_t> LastHmacValue();
// Where the last esp_partition_read on the named partition put its bytes, and what they were.
uint8_t *LastReadDestination(const std::string &label);
std::vector<uint8_t> LastReadValue(const std::string &label);

} // namespace fake_idf
