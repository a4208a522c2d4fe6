// Keys at rest (nfcerts_seal.h): the sealed-key format against .NET's AesGcm, tampering and foreign devices refused,
// the device key from the HMAC peripheral and from the ESP32's encrypted key partition, and the key bytes zeroed.
#include <string.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fake_idf.h"
#include "nfcerts_seal.h"

using namespace nfcerts;

namespace
{

std::vector<uint8_t> Range(uint8_t first, size_t count)
{
    std::vector<uint8_t> bytes(count);
    for (size_t i = 0; i < count; i++)
    {
        bytes[i] = (uint8_t)(first + i);
    }

    return bytes;
}

const std::vector<uint8_t> EfuseKey = Range(0x00, 32);

std::vector<uint8_t> Seal(const std::vector<uint8_t> &key, int *status = nullptr)
{
    std::vector<uint8_t> out(key.size() + SealOverhead);
    int n = SealKey(key.data(), key.size(), out.data(), out.size());
    if (status != nullptr)
    {
        *status = n;
    }

    out.resize(n > 0 ? (size_t)n : 0);
    return out;
}

int Unseal(const std::vector<uint8_t> &sealed, std::vector<uint8_t> &key)
{
    key.assign(sealed.size(), 0xEE);
    int n = UnsealKey(sealed.data(), sealed.size(), key.data(), key.size());
    key.resize(n > 0 ? (size_t)n : 0);
    return n;
}

bool AllZero(const uint8_t *bytes, size_t length)
{
    for (size_t i = 0; i < length; i++)
    {
        if (bytes[i] != 0)
        {
            return false;
        }
    }

    return true;
}

class SealTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        fake_idf::Reset();
        SealSetDeviceKeySource(&DeviceKeyFromHmac);
        fake_idf::BurnKey(EFUSE_BLK_KEY2, ESP_EFUSE_KEY_PURPOSE_HMAC_UP, EfuseKey); // HMAC_KEY2
    }

    void TearDown() override
    {
        SealSetDeviceKeySource(nullptr);
    }
};

} // namespace

// Expected bytes made once with .NET 10's AesGcm, laid out as HostKeyVault.SealPrivateKey does (version, nonce, tag,
// ciphertext), under the device key HMACSHA256.HashData(eFuse key 00..1f, "nf.Certs key seal v1"), nonce a0..ab,
// plaintext 40..67; the same bytes come from Python's cryptography AESGCM (OpenSSL).
TEST_F(SealTest, TheBlobIsHostKeyVaultsFormatByteForByte)
{
    static const uint8_t deviceKey[] = {0xa3, 0x2c, 0x61, 0xbb, 0xde, 0x7e, 0xb9, 0x9b, 0xc1, 0x08, 0x59,
                                        0xc9, 0x38, 0x6f, 0x84, 0x9e, 0xb1, 0xd9, 0x40, 0x37, 0x2d, 0x49,
                                        0x4d, 0x2f, 0x5f, 0xdf, 0x52, 0x25, 0xeb, 0x7d, 0x6b, 0xf4};
    static const uint8_t expected[] = {
        0x01, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xee, 0xfe, 0x2d, 0x77,
        0xfc, 0xe1, 0x39, 0x9f, 0xf0, 0x14, 0xd2, 0xe6, 0xd7, 0x77, 0x06, 0x79, 0x47, 0x0e, 0x12, 0x87, 0xbd,
        0xe6, 0x6b, 0x60, 0x0f, 0xad, 0xed, 0x2a, 0xbd, 0x30, 0xe8, 0xb7, 0xb7, 0xa2, 0x12, 0x87, 0x6f, 0x46,
        0x45, 0xf6, 0x85, 0x87, 0xd4, 0xbc, 0x14, 0xa3, 0x68, 0x3c, 0x78, 0x01, 0xdd, 0xc8, 0x96, 0x32, 0x0b, 0x37};
    fake_idf::QueueRandom(Range(0xA0, 12));
    std::vector<uint8_t> sealed = Seal(Range(0x40, 40));
    EXPECT_EQ(std::vector<uint8_t>(deviceKey, deviceKey + sizeof(deviceKey)), fake_idf::LastHmacValue());
    EXPECT_EQ(std::vector<uint8_t>(expected, expected + sizeof(expected)), sealed);
}

TEST_F(SealTest, ASealedKeyUnsealsToTheSameBytesWithAFreshNonceEachTime)
{
    std::vector<uint8_t> key = Range(0x30, 121);
    std::vector<uint8_t> first = Seal(key);
    std::vector<uint8_t> second = Seal(key);
    ASSERT_EQ(key.size() + 29, first.size());
    EXPECT_EQ(SealVersion, first[0]);
    EXPECT_NE(std::vector<uint8_t>(first.begin() + 1, first.begin() + 13),
              std::vector<uint8_t>(second.begin() + 1, second.begin() + 13));
    EXPECT_EQ(std::string::npos, std::string(first.begin(), first.end()).find(std::string(key.begin(), key.begin() + 16)));

    std::vector<uint8_t> back;
    EXPECT_EQ((int)key.size(), Unseal(first, back));
    EXPECT_EQ(key, back);
    EXPECT_EQ((int)key.size(), Unseal(second, back));
    EXPECT_EQ(key, back);
    EXPECT_EQ(1, SealDeviceKeyStatus());
}

TEST_F(SealTest, AnAlteredOrMalformedBlobIsInvalidData)
{
    std::vector<uint8_t> key = Range(0x30, 64);
    std::vector<uint8_t> sealed = Seal(key);
    for (size_t at : {size_t(0), size_t(5), size_t(20), size_t(40), sealed.size() - 1}) // version, nonce, tag, text
    {
        SCOPED_TRACE(at);
        std::vector<uint8_t> altered = sealed;
        altered[at] ^= 0x01;
        std::vector<uint8_t> back;
        EXPECT_EQ(KeyInvalidData, Unseal(altered, back));
    }

    std::vector<uint8_t> back;
    EXPECT_EQ(KeyInvalidData, Unseal(std::vector<uint8_t>(sealed.begin(), sealed.begin() + 29), back));
    EXPECT_EQ(KeyInvalidData, Unseal(std::vector<uint8_t>(sealed.begin(), sealed.end() - 1), back));
    uint8_t small[8];
    EXPECT_EQ(KeyBufferTooSmall, UnsealKey(sealed.data(), sealed.size(), small, sizeof(small)));
    EXPECT_EQ(KeyBufferTooSmall, SealKey(key.data(), key.size(), small, sizeof(small)));
}

TEST_F(SealTest, AnotherDevicesKeyDoesNotUnseal)
{
    std::vector<uint8_t> key = Range(0x30, 64);
    std::vector<uint8_t> sealed = Seal(key);
    fake_idf::Reset();
    fake_idf::BurnKey(EFUSE_BLK_KEY2, ESP_EFUSE_KEY_PURPOSE_HMAC_UP, Range(0x01, 32)); // another chip
    std::vector<uint8_t> back;
    EXPECT_EQ(KeyInvalidData, Unseal(sealed, back));
    EXPECT_TRUE(back.empty());
}

TEST_F(SealTest, TheDeviceKeyIsZeroedWhenTheCallReturns)
{
    std::vector<uint8_t> key = Range(0x30, 64);
    std::vector<uint8_t> sealed = Seal(key);
    ASSERT_NE(nullptr, fake_idf::LastHmacOutput());
    EXPECT_FALSE(AllZero(fake_idf::LastHmacValue().data(), 32)); // the peripheral did write a key there
    EXPECT_TRUE(AllZero(fake_idf::LastHmacOutput(), 32));
    std::vector<uint8_t> back;
    ASSERT_EQ((int)key.size(), Unseal(sealed, back));
    EXPECT_TRUE(AllZero(fake_idf::LastHmacOutput(), 32));
}

TEST_F(SealTest, WithoutAnHmacUpKeyBlockThereIsNoDeviceKey)
{
    fake_idf::Reset();
    fake_idf::BurnKey(EFUSE_BLK_KEY0, ESP_EFUSE_KEY_PURPOSE_HMAC_DOWN_ALL, EfuseKey); // not usable for HMAC upstream
    EXPECT_EQ(KeyNotSupported, SealDeviceKeyStatus());
    int status = 0;
    Seal(Range(0x30, 16), &status);
    EXPECT_EQ(KeyNotSupported, status);
}

class PartitionKeyTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        fake_idf::Reset();
        SealSetDeviceKeySource(&DeviceKeyFromPartition);
        fake_idf::AddPartition(DeviceKeyPartitionLabel, 4096, true);
        fake_idf::SetFlashEncryption(true);
    }

    void TearDown() override
    {
        SealSetDeviceKeySource(nullptr);
    }

    static std::vector<uint8_t> Raw(size_t length)
    {
        const esp_partition_t *p = esp_partition_find_first(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_ANY,
                                                            DeviceKeyPartitionLabel);
        std::vector<uint8_t> raw(length);
        EXPECT_EQ(ESP_OK, esp_partition_read_raw(p, 0, raw.data(), raw.size()));
        return raw;
    }
};

TEST_F(PartitionKeyTest, TheFirstUseStoresARandomKeyThatLaterCallsReuse)
{
    std::vector<uint8_t> generated = Range(0x70, 32);
    fake_idf::QueueRandom(generated);
    std::vector<uint8_t> key = Range(0x30, 64);
    std::vector<uint8_t> sealed = Seal(key);
    ASSERT_EQ(key.size() + 29, sealed.size());

    // The key partition now holds the record, as ciphertext only.
    std::vector<uint8_t> raw = Raw(DeviceKeyRecordSize);
    EXPECT_NE(std::vector<uint8_t>(DeviceKeyRecordSize, 0xFF), raw);
    EXPECT_EQ(std::string::npos, std::string(raw.begin(), raw.end()).find(std::string(generated.begin(), generated.end())));

    // A later call (a reboot: nothing is cached) reads the same key.
    std::vector<uint8_t> back;
    EXPECT_EQ((int)key.size(), Unseal(sealed, back));
    EXPECT_EQ(key, back);
    EXPECT_EQ(raw, Raw(DeviceKeyRecordSize));
    EXPECT_EQ(0, fake_idf::EraseCount(DeviceKeyPartitionLabel, 0));
}

TEST_F(PartitionKeyTest, AFirstWriteCutShortIsReplacedBeforeAnythingIsSealed)
{
    const esp_partition_t *p =
        esp_partition_find_first(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_ANY, DeviceKeyPartitionLabel);
    std::vector<uint8_t> torn = Range(0x70, 16); // power lost after the first 16-byte block of the record
    ASSERT_EQ(ESP_OK, esp_partition_write(p, 0, torn.data(), torn.size()));
    EXPECT_EQ(1, SealDeviceKeyStatus());
    EXPECT_EQ(1, fake_idf::EraseCount(DeviceKeyPartitionLabel, 0));

    std::vector<uint8_t> key = Range(0x30, 32);
    std::vector<uint8_t> sealed = Seal(key);
    std::vector<uint8_t> back;
    EXPECT_EQ((int)key.size(), Unseal(sealed, back));
    EXPECT_EQ(1, fake_idf::EraseCount(DeviceKeyPartitionLabel, 0));
}

TEST_F(PartitionKeyTest, WithoutFlashEncryptionOrAnEncryptedPartitionTheKeyIsNotProtected)
{
    fake_idf::SetFlashEncryption(false);
    EXPECT_EQ(KeyNotProtected, SealDeviceKeyStatus());
    int status = 0;
    Seal(Range(0x30, 16), &status);
    EXPECT_EQ(KeyNotProtected, status);
    EXPECT_EQ(std::vector<uint8_t>(64, 0xFF), Raw(64)); // and no key was written in clear

    fake_idf::Reset();
    fake_idf::SetFlashEncryption(true);
    fake_idf::AddPartition(DeviceKeyPartitionLabel, 4096, false); // not flagged "encrypted": plaintext even so
    EXPECT_EQ(KeyNotProtected, SealDeviceKeyStatus());
}

TEST_F(PartitionKeyTest, WithoutTheKeyPartitionThereIsNoDeviceKey)
{
    fake_idf::Reset();
    fake_idf::SetFlashEncryption(true);
    EXPECT_EQ(KeyNotSupported, SealDeviceKeyStatus());
}

TEST_F(PartitionKeyTest, TheRecordReadIntoMemoryIsZeroedWhenTheCallReturns)
{
    std::vector<uint8_t> sealed = Seal(Range(0x30, 32));
    std::vector<uint8_t> back;
    ASSERT_EQ(32, Unseal(sealed, back)); // this call reads the stored record
    uint8_t *read = fake_idf::LastReadDestination(DeviceKeyPartitionLabel);
    ASSERT_NE(nullptr, read);
    EXPECT_FALSE(AllZero(fake_idf::LastReadValue(DeviceKeyPartitionLabel).data(), DeviceKeyRecordSize));
    EXPECT_TRUE(AllZero(read, DeviceKeyRecordSize));
}
