#
# nf-interpreter module for the NfCerts.Esp32 interop assembly. Copy this file to nf-interpreter's CMake/Modules
# folder (or point NF_INTEROP_SEARCH_PATHS at this folder where your nf-interpreter has that option) and add
# "NfCerts.Esp32" to NF_INTEROP_ASSEMBLIES in the target's CMake preset. NFCERTS_NATIVE_DIR must point at this folder
# (firmware/native/esp32 of the nf.Certs repository); it defaults to this file's own folder.
#

if(NOT NFCERTS_NATIVE_DIR)
    set(NFCERTS_NATIVE_DIR ${CMAKE_CURRENT_LIST_DIR})
endif()

list(APPEND NfCerts.Esp32_INCLUDE_DIRS ${PROJECT_SOURCE_DIR}/src/CLR/Core)
list(APPEND NfCerts.Esp32_INCLUDE_DIRS ${PROJECT_SOURCE_DIR}/src/CLR/Include)
list(APPEND NfCerts.Esp32_INCLUDE_DIRS ${PROJECT_SOURCE_DIR}/src/HAL/Include)
list(APPEND NfCerts.Esp32_INCLUDE_DIRS ${PROJECT_SOURCE_DIR}/src/PAL/Include)
list(APPEND NfCerts.Esp32_INCLUDE_DIRS ${NFCERTS_NATIVE_DIR}/interop)
list(APPEND NfCerts.Esp32_INCLUDE_DIRS ${NFCERTS_NATIVE_DIR}/src)

set(NfCerts.Esp32_SRCS
    # nanoCLR marshalling (interop/): replace NfCerts_Esp32.cpp with the generated one, see README.md
    ${NFCERTS_NATIVE_DIR}/interop/NfCerts_Esp32.cpp
    ${NFCERTS_NATIVE_DIR}/interop/NfCerts_Esp32_NfCerts_Esp32_NativeFlash.cpp
    ${NFCERTS_NATIVE_DIR}/interop/NfCerts_Esp32_NfCerts_Esp32_NativeKeys.cpp
    ${NFCERTS_NATIVE_DIR}/interop/NfCerts_Esp32_NfCerts_Esp32_NativeLibrary.cpp
    ${NFCERTS_NATIVE_DIR}/interop/NfCerts_Esp32_NfCerts_Esp32_NativeStation.cpp
    # the core, the same sources the host tests build (src/)
    ${NFCERTS_NATIVE_DIR}/src/nfcerts_der.cpp
    ${NFCERTS_NATIVE_DIR}/src/nfcerts_flash.cpp
    ${NFCERTS_NATIVE_DIR}/src/nfcerts_keys.cpp
    ${NFCERTS_NATIVE_DIR}/src/nfcerts_reasons.cpp
    ${NFCERTS_NATIVE_DIR}/src/nfcerts_station.cpp
)

set(NfCerts.Esp32_SOURCES ${NfCerts.Esp32_SRCS})

include(FindPackageHandleStandardArgs)

FIND_PACKAGE_HANDLE_STANDARD_ARGS(NfCerts.Esp32 DEFAULT_MSG NfCerts.Esp32_INCLUDE_DIRS NfCerts.Esp32_SOURCES)
