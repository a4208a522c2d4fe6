#
# nf-interpreter module for the NfCerts.Esp32 interop assembly (ESP32 targets only).
#
# nf-interpreter finds it with find_package("INTEROP-NfCerts.Esp32") for each name in NF_INTEROP_ASSEMBLIES
# (CMake/Modules/FindNF_NativeAssemblies.cmake), on the CMAKE_MODULE_PATH its top-level CMakeLists.txt sets to
# CMake/Modules and CMake (a -DCMAKE_MODULE_PATH from outside is overwritten there). So: copy this file to
# nf-interpreter's CMake/Modules, add "NfCerts.Esp32" to NF_INTEROP_ASSEMBLIES in the target's preset, and either put
# this folder (firmware/native/esp32 of nf.Certs) at nf-interpreter's InteropAssemblies/NfCerts.Esp32 (a copy or a
# symlink, the layout nanoFramework's own interop samples use) or set NFCERTS_NATIVE_DIR to it in the preset's
# cacheVariables. See README.md, "Building a firmware image with the library".
#
# nf-interpreter compiles every native assembly into one library (nf_add_lib_native_assemblies) with the ESP-IDF
# include folders of FindESP32_IDF.cmake and -DPLATFORM_ESP32; this module only adds what that list lacks:
#   components/wpa_supplicant/esp_supplicant/include   esp_eap_client.h (nf lists only .../include/esp_supplicant)
#   components/esp_security/include                    esp_hmac.h (ESP-IDF 5.5; esp_hw_support/include before)
#   components/efuse/include, efuse/<chip>/include     esp_efuse.h, esp_efuse_chip.h
#   components/bootloader_support/include              esp_flash_encrypt.h
# The mbedTLS configuration: ESP-IDF gives MBEDTLS_CONFIG_FILE="mbedtls/esp_config.h" only to IDF components, and
# this library is not one, so src/nfcerts_mbedtls_config.h (included first by every source that uses mbedTLS) makes
# that definition under PLATFORM_ESP32, as nanoFramework's own ESP32 mbedTLS code includes <mbedtls/esp_config.h>.
# Without it mbedTLS structures (contexts with hardware AES/SHA/MPI state) would be sized differently from the
# linked library's. The mbedTLS and sdkconfig.h folders are listed again below so that the header resolves even if
# a target drops them from its list.
#

if(NOT NFCERTS_NATIVE_DIR)
    if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/src/nfcerts_keys.cpp)
        set(NFCERTS_NATIVE_DIR ${CMAKE_CURRENT_LIST_DIR})
    else()
        set(NFCERTS_NATIVE_DIR ${PROJECT_SOURCE_DIR}/InteropAssemblies/NfCerts.Esp32)
    endif()
endif()

if(NOT EXISTS ${NFCERTS_NATIVE_DIR}/src/nfcerts_keys.cpp)
    message(FATAL_ERROR "NfCerts.Esp32: no sources at '${NFCERTS_NATIVE_DIR}'. Set NFCERTS_NATIVE_DIR to nf.Certs' "
        "firmware/native/esp32, or put that folder at InteropAssemblies/NfCerts.Esp32.")
endif()

if(NOT esp32_idf_SOURCE_DIR)
    message(FATAL_ERROR "NfCerts.Esp32 needs an ESP32 target (ESP-IDF's esp_wifi, esp_eap_client and esp_partition).")
endif()

list(APPEND NfCerts.Esp32_INCLUDE_DIRS ${PROJECT_SOURCE_DIR}/src/CLR/Core)
list(APPEND NfCerts.Esp32_INCLUDE_DIRS ${PROJECT_SOURCE_DIR}/src/CLR/Include)
list(APPEND NfCerts.Esp32_INCLUDE_DIRS ${PROJECT_SOURCE_DIR}/src/HAL/Include)
list(APPEND NfCerts.Esp32_INCLUDE_DIRS ${PROJECT_SOURCE_DIR}/src/PAL/Include)
list(APPEND NfCerts.Esp32_INCLUDE_DIRS ${NFCERTS_NATIVE_DIR}/interop)
list(APPEND NfCerts.Esp32_INCLUDE_DIRS ${NFCERTS_NATIVE_DIR}/src)

list(APPEND NfCerts.Esp32_INCLUDE_DIRS ${esp32_idf_SOURCE_DIR}/components/wpa_supplicant/esp_supplicant/include)
list(APPEND NfCerts.Esp32_INCLUDE_DIRS ${esp32_idf_SOURCE_DIR}/components/esp_security/include)
list(APPEND NfCerts.Esp32_INCLUDE_DIRS ${esp32_idf_SOURCE_DIR}/components/esp_hw_support/include)
list(APPEND NfCerts.Esp32_INCLUDE_DIRS ${esp32_idf_SOURCE_DIR}/components/efuse/include)
list(APPEND NfCerts.Esp32_INCLUDE_DIRS ${esp32_idf_SOURCE_DIR}/components/efuse/${TARGET_SERIES_SHORT}/include)
list(APPEND NfCerts.Esp32_INCLUDE_DIRS ${esp32_idf_SOURCE_DIR}/components/bootloader_support/include)
list(APPEND NfCerts.Esp32_INCLUDE_DIRS ${esp32_idf_SOURCE_DIR}/components/esp_partition/include)
list(APPEND NfCerts.Esp32_INCLUDE_DIRS ${esp32_idf_SOURCE_DIR}/components/mbedtls/port/include)
list(APPEND NfCerts.Esp32_INCLUDE_DIRS ${esp32_idf_SOURCE_DIR}/components/mbedtls/mbedtls/include)
list(APPEND NfCerts.Esp32_INCLUDE_DIRS ${CMAKE_BINARY_DIR}/config)

set(NfCerts.Esp32_SRCS
    # nanoCLR marshalling (interop/): replace NfCerts_Esp32.cpp with the generated one, see README.md
    ${NFCERTS_NATIVE_DIR}/interop/NfCerts_Esp32.cpp
    ${NFCERTS_NATIVE_DIR}/interop/NfCerts_Esp32_NfCerts_Esp32_NativeFlash.cpp
    ${NFCERTS_NATIVE_DIR}/interop/NfCerts_Esp32_NfCerts_Esp32_NativeKeys.cpp
    ${NFCERTS_NATIVE_DIR}/interop/NfCerts_Esp32_NfCerts_Esp32_NativeLibrary.cpp
    ${NFCERTS_NATIVE_DIR}/interop/NfCerts_Esp32_NfCerts_Esp32_NativeStation.cpp
    # the core, the same sources the host tests build (src/)
    ${NFCERTS_NATIVE_DIR}/src/nfcerts_csr.cpp
    ${NFCERTS_NATIVE_DIR}/src/nfcerts_csr_attributes.cpp
    ${NFCERTS_NATIVE_DIR}/src/nfcerts_der.cpp
    ${NFCERTS_NATIVE_DIR}/src/nfcerts_device_key.cpp
    ${NFCERTS_NATIVE_DIR}/src/nfcerts_flash.cpp
    ${NFCERTS_NATIVE_DIR}/src/nfcerts_keys.cpp
    ${NFCERTS_NATIVE_DIR}/src/nfcerts_reasons.cpp
    ${NFCERTS_NATIVE_DIR}/src/nfcerts_seal.cpp
    ${NFCERTS_NATIVE_DIR}/src/nfcerts_station.cpp
)

set(NfCerts.Esp32_SOURCES ${NfCerts.Esp32_SRCS})

include(FindPackageHandleStandardArgs)

FIND_PACKAGE_HANDLE_STANDARD_ARGS(NfCerts.Esp32 DEFAULT_MSG NfCerts.Esp32_INCLUDE_DIRS NfCerts.Esp32_SOURCES)
