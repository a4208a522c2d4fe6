//-----------------------------------------------------------------------------
// nanoCLR declarations of the NfCerts.Esp32 interop assembly, in the layout and with the names the nanoFramework
// metadata processor generates (Library_<assembly>_<namespace>_<class>::<method>___<signature>). Written by hand
// here; after the managed assembly is built with NFMDP_GENERATE_STUBS, the generated header must declare the same
// functions (see ../README.md, "Building a firmware image", step 2).
//-----------------------------------------------------------------------------
#ifndef NFCERTS_ESP32_H
#define NFCERTS_ESP32_H

#include <nanoCLR_Interop.h>
#include <nanoCLR_Runtime.h>
#include <nanoPackStruct.h>

struct Library_NfCerts_Esp32_NfCerts_Esp32_NativeFlash
{
    NANOCLR_NATIVE_DECLARE(Open___STATIC__I4__SZARRAY_U1__SZARRAY_I4);
    NANOCLR_NATIVE_DECLARE(Read___STATIC__I4__I4__SZARRAY_U1__I4__I4);
    NANOCLR_NATIVE_DECLARE(Program___STATIC__I4__I4__SZARRAY_U1__I4__I4);
    NANOCLR_NATIVE_DECLARE(Erase___STATIC__I4__I4);

    //--//
};

struct Library_NfCerts_Esp32_NfCerts_Esp32_NativeKeys
{
    NANOCLR_NATIVE_DECLARE(Hash___STATIC__I4__I4__SZARRAY_U1__I4__I4__SZARRAY_U1);
    NANOCLR_NATIVE_DECLARE(Generate___STATIC__I4__I4__SZARRAY_U1);
    NANOCLR_NATIVE_DECLARE(CreateCsr___STATIC__I4__SZARRAY_U1__SZARRAY_U1__SZARRAY_U1__SZARRAY_U1);
    NANOCLR_NATIVE_DECLARE(MatchCertificate___STATIC__I4__SZARRAY_U1__SZARRAY_U1);
    NANOCLR_NATIVE_DECLARE(Decrypt___STATIC__I4__SZARRAY_U1__SZARRAY_U1__SZARRAY_U1);
    NANOCLR_NATIVE_DECLARE(Verify___STATIC__I4__SZARRAY_U1__SZARRAY_U1__SZARRAY_U1);
    NANOCLR_NATIVE_DECLARE(DeviceKeyStatus___STATIC__I4);
    NANOCLR_NATIVE_DECLARE(Seal___STATIC__I4__SZARRAY_U1__SZARRAY_U1);
    NANOCLR_NATIVE_DECLARE(Unseal___STATIC__I4__SZARRAY_U1__SZARRAY_U1);

    //--//
};

struct Library_NfCerts_Esp32_NfCerts_Esp32_NativeLibrary
{
    NANOCLR_NATIVE_DECLARE(GetInterfaceVersion___STATIC__I4);

    //--//
};

struct Library_NfCerts_Esp32_NfCerts_Esp32_NativeStation
{
    NANOCLR_NATIVE_DECLARE(ProfileBegin___STATIC__I4__I4);
    NANOCLR_NATIVE_DECLARE(ProfileSet___STATIC__I4__I4__SZARRAY_U1);
    NANOCLR_NATIVE_DECLARE(Connect___STATIC__I4__SZARRAY_I4);
    NANOCLR_NATIVE_DECLARE(Disconnect___STATIC__VOID);
    NANOCLR_NATIVE_DECLARE(Abort___STATIC__VOID);
    NANOCLR_NATIVE_DECLARE(Poll___STATIC__VOID__SZARRAY_I4);

    //--//
};

extern const CLR_RT_NativeAssemblyData g_CLR_AssemblyNative_NfCerts_Esp32;

// Helpers shared by the marshalling files: a byte[] argument as pointer and length (nullptr/0 for null).
inline void NfCertsBytes(CLR_RT_HeapBlock &argument, const uint8_t *&data, size_t &length)
{
    CLR_RT_HeapBlock_Array *array = argument.DereferenceArray();
    data = array != nullptr ? (const uint8_t *)array->GetFirstElement() : nullptr;
    length = array != nullptr ? array->m_numOfElements : 0;
}

#endif // NFCERTS_ESP32_H
