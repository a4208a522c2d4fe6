// Compiled twice by CMakeLists.txt: once with src/'s host mbedTLS configuration (NFCERTS_SIZES_NAME =
// HostConfigContextSizes) and once with Debian's own, which the linked library was built with
// (LibraryConfigContextSizes). test/interop_test.cpp compares the two: a configuration that changed a context's size
// would make the core and the library disagree about memory they share.
#include "nfcerts_mbedtls_config.h"

#include <stddef.h>

#include <vector>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/gcm.h"
#include "mbedtls/md.h"
#include "mbedtls/pk.h"
#include "mbedtls/x509_crt.h"
#include "mbedtls/x509_csr.h"

std::vector<size_t> NFCERTS_SIZES_NAME()
{
    return {sizeof(mbedtls_ctr_drbg_context), sizeof(mbedtls_entropy_context), sizeof(mbedtls_gcm_context),
            sizeof(mbedtls_md_context_t),     sizeof(mbedtls_pk_context),      sizeof(mbedtls_x509_crt),
            sizeof(mbedtls_x509write_csr)};
}
