// NfCerts.Esp32.NativeStation: marshalling only; the logic is in ../src/nfcerts_station.cpp.
#include "NfCerts_Esp32.h"

#include "nfcerts_station.h"

HRESULT Library_NfCerts_Esp32_NfCerts_Esp32_NativeStation::ProfileBegin___STATIC__I4__I4(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();

    stack.SetResult_I4(nfcerts::StationProfileBegin(stack.Arg0().NumericByRef().s4));

    NANOCLR_NOCLEANUP_NOLABEL();
}

HRESULT Library_NfCerts_Esp32_NfCerts_Esp32_NativeStation::ProfileSet___STATIC__I4__I4__SZARRAY_U1(
    CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();

    const uint8_t *value;
    size_t length;
    NfCertsBytes(stack.Arg1(), value, length);
    stack.SetResult_I4(nfcerts::StationProfileSet(stack.Arg0().NumericByRef().s4, value, length));

    NANOCLR_NOCLEANUP_NOLABEL();
}

HRESULT Library_NfCerts_Esp32_NfCerts_Esp32_NativeStation::Connect___STATIC__I4__SZARRAY_I4(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();

    CLR_RT_HeapBlock_Array *error = stack.Arg0().DereferenceArray();
    FAULT_ON_NULL_ARG(error);
    if (error->m_numOfElements < 1)
    {
        NANOCLR_SET_AND_LEAVE(CLR_E_INDEX_OUT_OF_RANGE);
    }

    {
        int espError = 0;
        int outcome = nfcerts::StationConnect(&espError);
        ((int32_t *)error->GetFirstElement())[0] = espError;
        stack.SetResult_I4(outcome);
    }

    NANOCLR_NOCLEANUP();
}

HRESULT Library_NfCerts_Esp32_NfCerts_Esp32_NativeStation::Disconnect___STATIC__VOID(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();
    (void)stack;

    nfcerts::StationDisconnect();

    NANOCLR_NOCLEANUP_NOLABEL();
}

HRESULT Library_NfCerts_Esp32_NfCerts_Esp32_NativeStation::Abort___STATIC__VOID(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();
    (void)stack;

    nfcerts::StationAbort();

    NANOCLR_NOCLEANUP_NOLABEL();
}

HRESULT Library_NfCerts_Esp32_NfCerts_Esp32_NativeStation::Poll___STATIC__VOID__SZARRAY_I4(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();

    CLR_RT_HeapBlock_Array *status = stack.Arg0().DereferenceArray();
    FAULT_ON_NULL_ARG(status);
    if (status->m_numOfElements < 5)
    {
        NANOCLR_SET_AND_LEAVE(CLR_E_INDEX_OUT_OF_RANGE);
    }

    {
        nfcerts::StationStatus polled;
        nfcerts::StationPoll(&polled);
        int32_t *out = (int32_t *)status->GetFirstElement();
        out[0] = polled.state;
        out[1] = polled.result;
        out[2] = polled.espReason;
        out[3] = polled.tlsError;
        out[4] = polled.linkLost;
    }

    NANOCLR_NOCLEANUP();
}
