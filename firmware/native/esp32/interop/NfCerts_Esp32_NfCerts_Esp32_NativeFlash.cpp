// NfCerts.Esp32.NativeFlash: marshalling only; the logic is in ../src/nfcerts_flash.cpp. One region is open at a
// time (the store uses one partition).
#include "NfCerts_Esp32.h"

#include <string.h>

#include "nfcerts_flash.h"

namespace
{

nfcerts::FlashRegion g_region;
bool g_open = false;

// The buffer range [offset, offset + count) must lie inside the array.
bool BufferRange(CLR_RT_HeapBlock_Array *array, int32_t offset, int32_t count)
{
    return array != nullptr && offset >= 0 && count >= 0 && (uint32_t)offset <= array->m_numOfElements &&
           (uint32_t)count <= array->m_numOfElements - (uint32_t)offset;
}

} // namespace

HRESULT Library_NfCerts_Esp32_NfCerts_Esp32_NativeFlash::Open___STATIC__I4__SZARRAY_U1__SZARRAY_I4(
    CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();

    const uint8_t *label;
    size_t labelLength;
    NfCertsBytes(stack.Arg0(), label, labelLength);
    CLR_RT_HeapBlock_Array *geometry = stack.Arg1().DereferenceArray();
    FAULT_ON_NULL_ARG(label);
    FAULT_ON_NULL_ARG(geometry);
    if (labelLength == 0 || labelLength > 16 || geometry->m_numOfElements < 3)
    {
        NANOCLR_SET_AND_LEAVE(CLR_E_INVALID_PARAMETER);
    }

    {
        char name[17];
        memcpy(name, label, labelLength);
        name[labelLength] = 0;
        int status = nfcerts::FlashOpen(name, &g_region);
        g_open = status == nfcerts::FlashOk;
        if (g_open)
        {
            int32_t *out = (int32_t *)geometry->GetFirstElement();
            out[0] = (int32_t)g_region.size;
            out[1] = (int32_t)g_region.sectorSize;
            out[2] = (int32_t)g_region.writeAlignment;
        }

        stack.SetResult_I4(status);
    }

    NANOCLR_NOCLEANUP();
}

HRESULT Library_NfCerts_Esp32_NfCerts_Esp32_NativeFlash::Read___STATIC__I4__I4__SZARRAY_U1__I4__I4(
    CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();

    CLR_RT_HeapBlock_Array *buffer = stack.Arg1().DereferenceArray();
    int32_t offset = stack.Arg2().NumericByRef().s4;
    int32_t count = stack.Arg3().NumericByRef().s4;
    if (!g_open)
    {
        NANOCLR_SET_AND_LEAVE(CLR_E_INVALID_OPERATION);
    }

    if (!BufferRange(buffer, offset, count))
    {
        stack.SetResult_I4(nfcerts::FlashOutOfRange);
    }
    else
    {
        stack.SetResult_I4(nfcerts::FlashRead(g_region, stack.Arg0().NumericByRef().s4,
                                              (uint8_t *)buffer->GetFirstElement() + offset, count));
    }

    NANOCLR_NOCLEANUP();
}

HRESULT Library_NfCerts_Esp32_NfCerts_Esp32_NativeFlash::Program___STATIC__I4__I4__SZARRAY_U1__I4__I4(
    CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();

    CLR_RT_HeapBlock_Array *buffer = stack.Arg1().DereferenceArray();
    int32_t offset = stack.Arg2().NumericByRef().s4;
    int32_t count = stack.Arg3().NumericByRef().s4;
    if (!g_open)
    {
        NANOCLR_SET_AND_LEAVE(CLR_E_INVALID_OPERATION);
    }

    if (!BufferRange(buffer, offset, count))
    {
        stack.SetResult_I4(nfcerts::FlashOutOfRange);
    }
    else
    {
        stack.SetResult_I4(nfcerts::FlashProgram(g_region, stack.Arg0().NumericByRef().s4,
                                                 (const uint8_t *)buffer->GetFirstElement() + offset, count));
    }

    NANOCLR_NOCLEANUP();
}

HRESULT Library_NfCerts_Esp32_NfCerts_Esp32_NativeFlash::Erase___STATIC__I4__I4(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();

    if (!g_open)
    {
        NANOCLR_SET_AND_LEAVE(CLR_E_INVALID_OPERATION);
    }

    stack.SetResult_I4(nfcerts::FlashEraseSector(g_region, stack.Arg0().NumericByRef().s4));

    NANOCLR_NOCLEANUP();
}
