// The host mbedTLS configuration of src/ (test/host_mbedtls) removes functions only: every context the core shares
// with the linked library keeps the library's size. (The firmware's counterpart is esp_config.h, which
// nfcerts_mbedtls_config.h selects; an unconfigured build would size these differently from IDF's mbedTLS.)
#include <stddef.h>
#include <stdio.h>

#include <vector>

#include <gtest/gtest.h>

std::vector<size_t> HostConfigContextSizes();
std::vector<size_t> LibraryConfigContextSizes();

TEST(HostMbedtlsConfig, KeepsTheLinkedLibrarysContextSizes)
{
    std::vector<size_t> core = HostConfigContextSizes();
    std::vector<size_t> library = LibraryConfigContextSizes();
    EXPECT_EQ(library, core);
    printf("ctr_drbg %zu, entropy %zu, gcm %zu, md %zu, pk %zu, x509_crt %zu, x509write_csr %zu bytes\n", core[0],
           core[1], core[2], core[3], core[4], core[5], core[6]);
}
