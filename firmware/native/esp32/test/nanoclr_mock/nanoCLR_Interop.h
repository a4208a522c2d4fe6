// Host stand-in for the slice of nanoCLR's interop API that interop/ uses (nf-interpreter src/CLR/Include/
// nanoCLR_Interop.h and nanoCLR_Runtime.h): the NANOCLR_* macros as nanoFramework's "Native tips & tricks,
// NANOCLR macros, arguments and return types" page spells them, CLR_RT_StackFrame::ArgN/SetResult_I4,
// CLR_RT_HeapBlock::DereferenceArray/NumericByRef, CLR_RT_HeapBlock_Array::GetFirstElement/m_numOfElements and
// CLR_RT_NativeAssemblyData. It lets the host build compile the marshalling files and call them with arguments laid
// out as the interpreter lays them out (static methods: Arg0 is the first parameter). It is not nanoCLR: the real
// headers are what the firmware build compiles against.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <vector>

typedef int32_t HRESULT;
typedef uint8_t CLR_UINT8;
typedef uint32_t CLR_UINT32;

// Distinct stand-in values; the real codes are in nf-interpreter src/CLR/Include/nf_errors_exceptions.h.
#define S_OK ((HRESULT)0)
#define CLR_E_INVALID_PARAMETER ((HRESULT)0xFD000000)
#define CLR_E_INVALID_OPERATION ((HRESULT)0xD4000000)
#define CLR_E_ARGUMENT_NULL ((HRESULT)0xA1000000)
#define CLR_E_OUT_OF_RANGE ((HRESULT)0xA0000000)
#define CLR_E_INDEX_OUT_OF_RANGE ((HRESULT)0xA8000000)

#define NANOCLR_HEADER() HRESULT hr
#define NANOCLR_LEAVE() goto nanoCLR_Cleanup
#define NANOCLR_RETURN() return hr
#define NANOCLR_CLEANUP() \
    hr = S_OK;            \
    nanoCLR_Cleanup:
#define NANOCLR_CLEANUP_END() NANOCLR_RETURN()
#define NANOCLR_NOCLEANUP() \
    NANOCLR_CLEANUP();      \
    NANOCLR_CLEANUP_END()
#define NANOCLR_NOCLEANUP_NOLABEL() \
    hr = S_OK;                      \
    NANOCLR_RETURN()
#define NANOCLR_SET_AND_LEAVE(expr) \
    {                               \
        hr = (expr);                \
        NANOCLR_LEAVE();            \
    }
#define FAULT_ON_NULL_ARG(ptr) \
    if (!(ptr))                \
    NANOCLR_SET_AND_LEAVE(CLR_E_ARGUMENT_NULL)

struct CLR_RT_HeapBlock_Array
{
    CLR_UINT32 m_numOfElements;
    std::vector<uint8_t> storage; // mock only

    CLR_UINT8 *GetFirstElement()
    {
        return storage.data();
    }
};

struct CLR_RT_HeapBlock
{
    struct Numeric
    {
        int32_t s4;
    };

    Numeric numeric = {0};
    CLR_RT_HeapBlock_Array *array = nullptr; // mock only

    Numeric &NumericByRef()
    {
        return numeric;
    }

    CLR_RT_HeapBlock_Array *DereferenceArray()
    {
        return array;
    }
};

struct CLR_RT_StackFrame
{
    CLR_RT_HeapBlock args[8];
    int32_t result = 0; // mock only

    CLR_RT_HeapBlock &Arg0() { return args[0]; }
    CLR_RT_HeapBlock &Arg1() { return args[1]; }
    CLR_RT_HeapBlock &Arg2() { return args[2]; }
    CLR_RT_HeapBlock &Arg3() { return args[3]; }
    CLR_RT_HeapBlock &Arg4() { return args[4]; }

    void SetResult_I4(int32_t value)
    {
        result = value;
    }
};

typedef HRESULT (*CLR_RT_MethodHandler)(CLR_RT_StackFrame &stack);

struct CLR_RECORD_VERSION
{
    uint16_t iMajorVersion;
    uint16_t iMinorVersion;
    uint16_t iBuildNumber;
    uint16_t iRevisionNumber;
};

struct CLR_RT_NativeAssemblyData
{
    const char *m_szAssemblyName;
    uint32_t m_checkSum;
    const void *m_pNativeMethods;
    CLR_RECORD_VERSION m_Version;
};

#define NANOCLR_NATIVE_DECLARE(mtd) static HRESULT mtd(CLR_RT_StackFrame &stack)
