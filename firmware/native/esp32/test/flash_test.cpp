// The partition glue against the fake NOR flash: bounds, alignment, erase granularity, AND programming.
#include <string.h>

#include <vector>

#include <gtest/gtest.h>

#include "fake_idf.h"
#include "nfcerts_flash.h"

using namespace nfcerts;

namespace
{

class FlashTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        fake_idf::Reset();
        fake_idf::AddPartition(StorePartitionLabel, 64 * 1024, false);
        ASSERT_EQ(FlashOk, FlashOpen(StorePartitionLabel, &region_));
    }

    std::vector<uint8_t> &Medium()
    {
        return fake_idf::PartitionData(StorePartitionLabel);
    }

    FlashRegion region_;
};

} // namespace

TEST_F(FlashTest, OpenReportsTheGeometry)
{
    EXPECT_EQ(64u * 1024u, region_.size);
    EXPECT_EQ(4096u, region_.sectorSize);
    EXPECT_EQ(1u, region_.writeAlignment);

    FlashRegion other;
    EXPECT_EQ(FlashNotFound, FlashOpen("missing", &other));
}

TEST_F(FlashTest, ProgramOnlyClearsBitsAndEraseSetsThemBack)
{
    uint8_t f0 = 0xF0, x0f = 0x0F, ff = 0xFF, out = 0;
    ASSERT_EQ(FlashOk, FlashProgram(region_, 100, &f0, 1));
    ASSERT_EQ(FlashOk, FlashProgram(region_, 100, &x0f, 1));
    ASSERT_EQ(FlashOk, FlashRead(region_, 100, &out, 1));
    EXPECT_EQ(0x00, out);
    ASSERT_EQ(FlashOk, FlashProgram(region_, 100, &ff, 1)); // a 0 -> 1 attempt changes nothing on NOR
    ASSERT_EQ(FlashOk, FlashRead(region_, 100, &out, 1));
    EXPECT_EQ(0x00, out);

    ASSERT_EQ(FlashOk, FlashEraseSector(region_, 0));
    ASSERT_EQ(FlashOk, FlashRead(region_, 100, &out, 1));
    EXPECT_EQ(0xFF, out);
}

TEST_F(FlashTest, EraseTouchesExactlyOneSector)
{
    std::vector<uint8_t> zeros(3 * 4096, 0x00);
    ASSERT_EQ(FlashOk, FlashProgram(region_, 4096, zeros.data(), (int32_t)zeros.size())); // crosses two boundaries
    ASSERT_EQ(FlashOk, FlashEraseSector(region_, 2));
    EXPECT_EQ(0x00, Medium()[2 * 4096 - 1]);
    for (size_t i = 2 * 4096; i < 3 * 4096; i++)
    {
        ASSERT_EQ(0xFF, Medium()[i]) << i;
    }

    EXPECT_EQ(0x00, Medium()[3 * 4096]);
    EXPECT_EQ(1, fake_idf::EraseCount(StorePartitionLabel, 2));
    EXPECT_EQ(0, fake_idf::EraseCount(StorePartitionLabel, 1));
    EXPECT_EQ(0, fake_idf::EraseCount(StorePartitionLabel, 3));
}

TEST_F(FlashTest, RangesOutsideTheRegionAreRefusedBeforeTheDriverIsCalled)
{
    uint8_t buffer[32] = {0};
    int before = fake_idf::DriverCalls(StorePartitionLabel);
    const int32_t size = 64 * 1024;
    EXPECT_EQ(FlashOutOfRange, FlashRead(region_, size - 31, buffer, 32));
    EXPECT_EQ(FlashOutOfRange, FlashProgram(region_, size, buffer, 1));
    EXPECT_EQ(FlashOutOfRange, FlashRead(region_, -1, buffer, 1));
    EXPECT_EQ(FlashOutOfRange, FlashProgram(region_, 0, buffer, -1));
    EXPECT_EQ(FlashOutOfRange, FlashRead(region_, 0x7FFFFFF0, buffer, 32)); // no wrap-around
    EXPECT_EQ(FlashOutOfRange, FlashEraseSector(region_, 16));
    EXPECT_EQ(FlashOutOfRange, FlashEraseSector(region_, -1));
    EXPECT_EQ(before, fake_idf::DriverCalls(StorePartitionLabel));

    // The last byte and the last sector are inside.
    EXPECT_EQ(FlashOk, FlashRead(region_, size - 32, buffer, 32));
    EXPECT_EQ(FlashOk, FlashProgram(region_, size - 1, buffer, 1));
    EXPECT_EQ(FlashOk, FlashEraseSector(region_, 15));
    EXPECT_EQ(FlashOk, FlashRead(region_, size, buffer, 0));
}

TEST_F(FlashTest, EncryptedPartitionsProgramIn16ByteUnits)
{
    fake_idf::AddPartition("secure", 8192, true);
    FlashRegion secure;
    ASSERT_EQ(FlashOk, FlashOpen("secure", &secure));
    EXPECT_EQ(16u, secure.writeAlignment);
    uint8_t block[32];
    memset(block, 0xA5, sizeof(block));
    EXPECT_EQ(FlashMisaligned, FlashProgram(secure, 8, block, 16));
    EXPECT_EQ(FlashMisaligned, FlashProgram(secure, 16, block, 8));
    EXPECT_EQ(0, fake_idf::DriverCalls("secure"));
    EXPECT_EQ(FlashOk, FlashProgram(secure, 16, block, 32));
    EXPECT_EQ(0xA5, fake_idf::PartitionData("secure")[16]);
}

TEST_F(FlashTest, DriverErrorsAreIoAndChangeNothing)
{
    uint8_t zero = 0;
    fake_idf::FailNext("esp_partition_write", ESP_FAIL);
    EXPECT_EQ(FlashIo, FlashProgram(region_, 0, &zero, 1));
    EXPECT_EQ(0xFF, Medium()[0]);
    fake_idf::FailNext("esp_partition_erase_range", ESP_ERR_TIMEOUT);
    EXPECT_EQ(FlashIo, FlashEraseSector(region_, 0));
    fake_idf::FailNext("esp_partition_read", ESP_FAIL);
    EXPECT_EQ(FlashIo, FlashRead(region_, 0, &zero, 1));
}

TEST_F(FlashTest, APartitionThatIsNotWholeSectorsIsTruncatedToThem)
{
    fake_idf::AddPartition("odd", 4096 * 3 + 100, false);
    FlashRegion odd;
    ASSERT_EQ(FlashOk, FlashOpen("odd", &odd));
    EXPECT_EQ(3u * 4096u, odd.size);
    fake_idf::AddPartition("weird", 8192, false, 3000);
    EXPECT_EQ(FlashIo, FlashOpen("weird", &odd));
}
