//-----------------------------------------------------------------------------
// The native method table of the NfCerts.Esp32 assembly. The metadata processor writes this file when the managed
// project is built with NFMDP_GENERATE_STUBS: one entry per method of the assembly in its metadata order (nullptr
// for methods without native code; every method of NfCerts.Esp32 is native) and the assembly's native checksum.
// The checksum below is a placeholder that matches no assembly: put the generated value in (../README.md, "Building
// a firmware image", step 2). With a wrong checksum the runtime refuses to load NfCerts.Esp32 at boot
// (CLR_E_ASSM_WRONG_CHECKSUM in CLRStartup.cpp's LoadAssembly, "Invalid native checksum"), so the application that
// references it does not start at all; it does not fall back to the stock-firmware behaviour.
//-----------------------------------------------------------------------------

#include "NfCerts_Esp32.h"

// clang-format off

static const CLR_RT_MethodHandler method_lookup[] =
{
    Library_NfCerts_Esp32_NfCerts_Esp32_NativeFlash::Open___STATIC__I4__SZARRAY_U1__SZARRAY_I4,
    Library_NfCerts_Esp32_NfCerts_Esp32_NativeFlash::Read___STATIC__I4__I4__SZARRAY_U1__I4__I4,
    Library_NfCerts_Esp32_NfCerts_Esp32_NativeFlash::Program___STATIC__I4__I4__SZARRAY_U1__I4__I4,
    Library_NfCerts_Esp32_NfCerts_Esp32_NativeFlash::Erase___STATIC__I4__I4,
    Library_NfCerts_Esp32_NfCerts_Esp32_NativeKeys::Hash___STATIC__I4__I4__SZARRAY_U1__I4__I4__SZARRAY_U1,
    Library_NfCerts_Esp32_NfCerts_Esp32_NativeKeys::Generate___STATIC__I4__I4__SZARRAY_U1,
    Library_NfCerts_Esp32_NfCerts_Esp32_NativeKeys::CreateCsr___STATIC__I4__SZARRAY_U1__SZARRAY_U1__SZARRAY_U1__SZARRAY_U1,
    Library_NfCerts_Esp32_NfCerts_Esp32_NativeKeys::MatchCertificate___STATIC__I4__SZARRAY_U1__SZARRAY_U1,
    Library_NfCerts_Esp32_NfCerts_Esp32_NativeKeys::Decrypt___STATIC__I4__SZARRAY_U1__SZARRAY_U1__SZARRAY_U1,
    Library_NfCerts_Esp32_NfCerts_Esp32_NativeKeys::Verify___STATIC__I4__SZARRAY_U1__SZARRAY_U1__SZARRAY_U1,
    Library_NfCerts_Esp32_NfCerts_Esp32_NativeKeys::DeviceKeyStatus___STATIC__I4,
    Library_NfCerts_Esp32_NfCerts_Esp32_NativeKeys::Seal___STATIC__I4__SZARRAY_U1__SZARRAY_U1,
    Library_NfCerts_Esp32_NfCerts_Esp32_NativeKeys::Unseal___STATIC__I4__SZARRAY_U1__SZARRAY_U1,
    Library_NfCerts_Esp32_NfCerts_Esp32_NativeLibrary::GetInterfaceVersion___STATIC__I4,
    Library_NfCerts_Esp32_NfCerts_Esp32_NativeStation::ProfileBegin___STATIC__I4__I4,
    Library_NfCerts_Esp32_NfCerts_Esp32_NativeStation::ProfileSet___STATIC__I4__I4__SZARRAY_U1,
    Library_NfCerts_Esp32_NfCerts_Esp32_NativeStation::Connect___STATIC__I4__SZARRAY_I4,
    Library_NfCerts_Esp32_NfCerts_Esp32_NativeStation::Disconnect___STATIC__VOID,
    Library_NfCerts_Esp32_NfCerts_Esp32_NativeStation::Abort___STATIC__VOID,
    Library_NfCerts_Esp32_NfCerts_Esp32_NativeStation::Poll___STATIC__VOID__SZARRAY_I4,
};

const CLR_RT_NativeAssemblyData g_CLR_AssemblyNative_NfCerts_Esp32 =
{
    "NfCerts.Esp32",
    0x00000000, // placeholder: take the checksum from the generated NfCerts_Esp32.cpp
    method_lookup,
    { 3, 0, 0, 0 }
};

// clang-format on
