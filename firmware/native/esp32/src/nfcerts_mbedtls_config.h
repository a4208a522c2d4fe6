// Picks the mbedTLS configuration the core compiles against. Every source in src/ that uses mbedTLS includes this
// header before any mbedTLS header.
//
// mbedTLS sizes its structures by its configuration (which modules, which _ALT implementations), so the core must be
// compiled with the configuration the linked library was built with. ESP-IDF builds its mbedtls component with
// MBEDTLS_CONFIG_FILE="mbedtls/esp_config.h" (the sdkconfig-driven configuration, e.g. hardware AES/SHA/MPI contexts)
// and gives that definition only to IDF components; nanoFramework's native assemblies are not IDF components, so on
// the firmware build the definition is made here, as nanoFramework's own ESP32 mbedTLS code does by including
// <mbedtls/esp_config.h> under PLATFORM_ESP32. The host build (CMakeLists.txt) passes MBEDTLS_CONFIG_FILE itself:
// test/host_mbedtls/nfcerts_host_mbedtls_config.h, Debian's configuration minus what nanoFramework's sdkconfig turns
// off.
#pragma once

#if defined(MBEDTLS_CONFIG_H) || defined(MBEDTLS_BUILD_INFO_H)
#error "nfcerts_mbedtls_config.h must come before every mbedTLS header, or the configuration is already fixed"
#endif

#if !defined(MBEDTLS_CONFIG_FILE)
#if defined(PLATFORM_ESP32) || defined(ESP_PLATFORM)
#define MBEDTLS_CONFIG_FILE "mbedtls/esp_config.h"
#else
#error "No mbedTLS configuration: define MBEDTLS_CONFIG_FILE (the host build uses nfcerts_host_mbedtls_config.h)"
#endif
#endif
