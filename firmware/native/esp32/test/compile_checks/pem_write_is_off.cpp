// Compiled (never linked) by the ctest checks HostMbedtlsConfig.*: with the host configuration of src/ this must
// fail because mbedtls_pem_write_buffer is not declared, as on nanoFramework's ESP32 firmware; with Debian's own
// configuration it must compile, which shows the failure comes from the configuration and not from this file.
#include "nfcerts_mbedtls_config.h"

#include "mbedtls/pem.h"

int WritePem(const unsigned char *der, size_t len, unsigned char *out, size_t size, size_t *written)
{
    return mbedtls_pem_write_buffer("-----BEGIN X-----\n", "-----END X-----\n", der, len, out, size, written);
}
