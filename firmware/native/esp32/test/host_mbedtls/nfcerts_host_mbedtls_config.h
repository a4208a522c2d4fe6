// The mbedTLS configuration src/ is compiled with on the host (MBEDTLS_CONFIG_FILE, see CMakeLists.txt).
//
// It starts from Debian's default configuration, which the linked libmbedtls was built with, so every structure
// keeps the library's layout: only modules whose removal deletes functions (and changes no structure the core
// uses) are turned off here. Those are the mbedTLS options nanoFramework's targets/ESP32/_IDF/sdkconfig.default
// switches off among the modules the core could call, so that calling one of their functions fails the host build
// as it would fail the firmware build (esp_config.h maps each CONFIG_MBEDTLS_* to the MBEDTLS_* below):
//   CONFIG_MBEDTLS_PEM_WRITE_C=n        mbedtls_pem_write_buffer
//   CONFIG_MBEDTLS_X509_CSR_PARSE_C=n   mbedtls_x509_csr_parse*
//   CONFIG_MBEDTLS_XTEA_C=n             mbedtls_xtea_*
// Options the sdkconfig turns on (DES, CMAC, TLS 1.3, HAVE_TIME_DATE) are on in Debian's configuration too.
#pragma once

#include "mbedtls/config.h"

#undef MBEDTLS_PEM_WRITE_C
#undef MBEDTLS_X509_CSR_PARSE_C
#undef MBEDTLS_XTEA_C
