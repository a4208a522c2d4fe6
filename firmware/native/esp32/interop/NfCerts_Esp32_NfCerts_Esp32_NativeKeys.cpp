// NfCerts.Esp32.NativeKeys: marshalling only; the logic is in ../src/nfcerts_keys.cpp. These calls run on the
// interpreter thread and block it while they work: EC P-256 takes milliseconds, RSA 2048 key generation seconds.
#include "NfCerts_Esp32.h"

#include "nfcerts_keys.h"
#include "nfcerts_seal.h"

namespace
{

struct Output
{
    uint8_t *data;
    size_t size;
};

Output OutputOf(CLR_RT_HeapBlock &argument)
{
    CLR_RT_HeapBlock_Array *array = argument.DereferenceArray();
    Output out = {nullptr, 0};
    if (array != nullptr)
    {
        out.data = (uint8_t *)array->GetFirstElement();
        out.size = array->m_numOfElements;
    }

    return out;
}

} // namespace

HRESULT Library_NfCerts_Esp32_NfCerts_Esp32_NativeKeys::Hash___STATIC__I4__I4__SZARRAY_U1__I4__I4__SZARRAY_U1(
    CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();

    const uint8_t *data;
    size_t length;
    NfCertsBytes(stack.Arg1(), data, length);
    int32_t offset = stack.Arg2().NumericByRef().s4;
    int32_t count = stack.Arg3().NumericByRef().s4;
    Output digest = OutputOf(stack.Arg4());
    if (data == nullptr || digest.data == nullptr)
    {
        NANOCLR_SET_AND_LEAVE(CLR_E_ARGUMENT_NULL);
    }

    if (offset < 0 || count < 0 || (size_t)offset > length || (size_t)count > length - (size_t)offset)
    {
        NANOCLR_SET_AND_LEAVE(CLR_E_OUT_OF_RANGE);
    }

    stack.SetResult_I4(
        nfcerts::KeysHash(stack.Arg0().NumericByRef().s4, data + offset, (size_t)count, digest.data, digest.size));

    NANOCLR_NOCLEANUP();
}

HRESULT Library_NfCerts_Esp32_NfCerts_Esp32_NativeKeys::Generate___STATIC__I4__I4__SZARRAY_U1(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();

    Output out = OutputOf(stack.Arg1());
    FAULT_ON_NULL_ARG(out.data);
    stack.SetResult_I4(nfcerts::KeysGenerate(stack.Arg0().NumericByRef().s4, out.data, out.size));

    NANOCLR_NOCLEANUP();
}

HRESULT Library_NfCerts_Esp32_NfCerts_Esp32_NativeKeys::CreateCsr___STATIC__I4__SZARRAY_U1__SZARRAY_U1__SZARRAY_U1__SZARRAY_U1(
    CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();

    const uint8_t *key;
    size_t keyLength;
    const uint8_t *subject;
    size_t subjectLength;
    const uint8_t *attributes;
    size_t attributesLength;
    NfCertsBytes(stack.Arg0(), key, keyLength);
    NfCertsBytes(stack.Arg1(), subject, subjectLength);
    NfCertsBytes(stack.Arg2(), attributes, attributesLength); // null or empty: none
    Output out = OutputOf(stack.Arg3());
    FAULT_ON_NULL_ARG(out.data);
    stack.SetResult_I4(nfcerts::KeysCreateCsr(key, keyLength, (const char *)subject, subjectLength, attributes,
                                              attributesLength, out.data, out.size));

    NANOCLR_NOCLEANUP();
}

HRESULT Library_NfCerts_Esp32_NfCerts_Esp32_NativeKeys::MatchCertificate___STATIC__I4__SZARRAY_U1__SZARRAY_U1(
    CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();

    const uint8_t *certificate;
    size_t certificateLength;
    const uint8_t *key;
    size_t keyLength;
    NfCertsBytes(stack.Arg0(), certificate, certificateLength);
    NfCertsBytes(stack.Arg1(), key, keyLength);
    stack.SetResult_I4(nfcerts::KeysMatchCertificate(certificate, certificateLength, key, keyLength));

    NANOCLR_NOCLEANUP_NOLABEL();
}

HRESULT Library_NfCerts_Esp32_NfCerts_Esp32_NativeKeys::Decrypt___STATIC__I4__SZARRAY_U1__SZARRAY_U1__SZARRAY_U1(
    CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();

    const uint8_t *encrypted;
    size_t encryptedLength;
    const uint8_t *password;
    size_t passwordLength;
    NfCertsBytes(stack.Arg0(), encrypted, encryptedLength);
    NfCertsBytes(stack.Arg1(), password, passwordLength);
    Output out = OutputOf(stack.Arg2());
    FAULT_ON_NULL_ARG(out.data);
    stack.SetResult_I4(
        nfcerts::KeysDecrypt(encrypted, encryptedLength, password, passwordLength, out.data, out.size));

    NANOCLR_NOCLEANUP();
}

HRESULT Library_NfCerts_Esp32_NfCerts_Esp32_NativeKeys::Verify___STATIC__I4__SZARRAY_U1__SZARRAY_U1__SZARRAY_U1(
    CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();

    const uint8_t *certificate;
    size_t certificateLength;
    const uint8_t *data;
    size_t dataLength;
    const uint8_t *signature;
    size_t signatureLength;
    NfCertsBytes(stack.Arg0(), certificate, certificateLength);
    NfCertsBytes(stack.Arg1(), data, dataLength);
    NfCertsBytes(stack.Arg2(), signature, signatureLength);
    stack.SetResult_I4(
        nfcerts::KeysVerify(certificate, certificateLength, data, dataLength, signature, signatureLength));

    NANOCLR_NOCLEANUP_NOLABEL();
}

HRESULT Library_NfCerts_Esp32_NfCerts_Esp32_NativeKeys::DeviceKeyStatus___STATIC__I4(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();

    stack.SetResult_I4(nfcerts::SealDeviceKeyStatus());

    NANOCLR_NOCLEANUP_NOLABEL();
}

HRESULT Library_NfCerts_Esp32_NfCerts_Esp32_NativeKeys::Seal___STATIC__I4__SZARRAY_U1__SZARRAY_U1(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();

    const uint8_t *key;
    size_t keyLength;
    NfCertsBytes(stack.Arg0(), key, keyLength);
    Output out = OutputOf(stack.Arg1());
    FAULT_ON_NULL_ARG(key);
    FAULT_ON_NULL_ARG(out.data);
    stack.SetResult_I4(nfcerts::SealKey(key, keyLength, out.data, out.size));

    NANOCLR_NOCLEANUP();
}

HRESULT Library_NfCerts_Esp32_NfCerts_Esp32_NativeKeys::Unseal___STATIC__I4__SZARRAY_U1__SZARRAY_U1(
    CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();

    const uint8_t *sealed;
    size_t sealedLength;
    NfCertsBytes(stack.Arg0(), sealed, sealedLength);
    Output out = OutputOf(stack.Arg1());
    FAULT_ON_NULL_ARG(sealed);
    FAULT_ON_NULL_ARG(out.data);
    stack.SetResult_I4(nfcerts::UnsealKey(sealed, sealedLength, out.data, out.size));

    NANOCLR_NOCLEANUP();
}
