// NfCerts.Esp32.NativeLibrary: lets the managed side tell this firmware from a stock image.
#include "NfCerts_Esp32.h"

HRESULT Library_NfCerts_Esp32_NfCerts_Esp32_NativeLibrary::GetInterfaceVersion___STATIC__I4(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();

    stack.SetResult_I4(3); // NativeLibrary.InterfaceVersion

    NANOCLR_NOCLEANUP_NOLABEL();
}
