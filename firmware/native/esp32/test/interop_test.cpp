// The nanoCLR marshalling files (interop/) compiled against the nanoCLR stand-in and called with the argument
// layout of static methods: each test checks that the managed parameters reach the core in the right order and
// that the results come back where NfCerts.Esp32's declarations say.
#include <dirent.h>
#include <string.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "NfCerts_Esp32.h"
#include "fake_idf.h"
#include "nfcerts_csr_attributes.h"
#include "nfcerts_flash.h"
#include "nfcerts_keys.h"
#include "nfcerts_seal.h"
#include "nfcerts_station.h"

namespace
{

struct Frame
{
    CLR_RT_StackFrame stack;
    std::vector<CLR_RT_HeapBlock_Array> arrays;

    Frame()
    {
        arrays.reserve(8);
    }

    void Int(int index, int32_t value)
    {
        stack.args[index].numeric.s4 = value;
    }

    CLR_RT_HeapBlock_Array &Bytes(int index, const std::vector<uint8_t> &value)
    {
        arrays.push_back(CLR_RT_HeapBlock_Array());
        CLR_RT_HeapBlock_Array &array = arrays.back();
        array.storage = value;
        array.m_numOfElements = (CLR_UINT32)value.size();
        stack.args[index].array = &array;
        return array;
    }

    CLR_RT_HeapBlock_Array &Ints(int index, size_t count)
    {
        CLR_RT_HeapBlock_Array &array = Bytes(index, std::vector<uint8_t>(count * 4, 0));
        array.m_numOfElements = (CLR_UINT32)count; // elements, not bytes
        return array;
    }
};

std::vector<uint8_t> Text(const std::string &s)
{
    return std::vector<uint8_t>(s.begin(), s.end());
}

int32_t IntAt(CLR_RT_HeapBlock_Array &array, int index)
{
    return ((int32_t *)array.GetFirstElement())[index];
}

std::string RepoFile(const std::string &path)
{
    std::ifstream in(std::string(NFCERTS_REPO_ROOT) + "/" + path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> Matches(const std::string &text, const std::string &pattern, bool withClass)
{
    std::vector<std::string> found;
    std::regex re(pattern);
    for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it)
    {
        found.push_back(withClass ? (*it)[1].str() + "." + (*it)[2].str() : (*it)[1].str());
    }

    return found;
}

typedef Library_NfCerts_Esp32_NfCerts_Esp32_NativeStation Station;
typedef Library_NfCerts_Esp32_NfCerts_Esp32_NativeKeys Keys;
typedef Library_NfCerts_Esp32_NfCerts_Esp32_NativeFlash Flash;

} // namespace

TEST(Interop, TheMethodTableNamesTheAssemblyAndHoldsEveryNativeMethod)
{
    EXPECT_STREQ("NfCerts.Esp32", g_CLR_AssemblyNative_NfCerts_Esp32.m_szAssemblyName);
    EXPECT_EQ(3, g_CLR_AssemblyNative_NfCerts_Esp32.m_Version.iMajorVersion); // AssemblyNativeVersion("3.0.0.0")
    const CLR_RT_MethodHandler *table = (const CLR_RT_MethodHandler *)g_CLR_AssemblyNative_NfCerts_Esp32.m_pNativeMethods;
    for (int i = 0; i < 20; i++)
    {
        EXPECT_NE(nullptr, table[i]) << i; // the 20 InternalCall methods of managed/
    }

    Frame f;
    ASSERT_EQ(S_OK, Library_NfCerts_Esp32_NfCerts_Esp32_NativeLibrary::GetInterfaceVersion___STATIC__I4(f.stack));
    EXPECT_EQ(3, f.stack.result); // NativeLibrary.InterfaceVersion
}

TEST(Interop, TheMethodTableListsTheManagedDeclarationsInTheirOrder)
{
    std::vector<std::string> managed;
    for (const char *type : {"NativeFlash", "NativeKeys", "NativeLibrary", "NativeStation"})
    {
        std::string source = RepoFile(std::string("firmware/native/esp32/managed/") + type + ".cs");
        for (const std::string &method : Matches(source, "static extern \\w+ (\\w+)\\(", false))
        {
            managed.push_back(std::string(type) + "." + method);
        }
    }

    std::string table = RepoFile("firmware/native/esp32/interop/NfCerts_Esp32.cpp");
    EXPECT_EQ(managed, Matches(table, "NfCerts_Esp32_(Native\\w+)::(\\w+?)___", true));
    EXPECT_EQ(20u, managed.size());
}

TEST(Interop, TheFirmwareModuleCompilesEverySourceOfTheLibrary)
{
    std::string module = RepoFile("firmware/native/esp32/FindINTEROP-NfCerts.Esp32.cmake");
    int sources = 0;
    for (const char *folder : {"src", "interop"})
    {
        DIR *dir = opendir((std::string(NFCERTS_REPO_ROOT) + "/firmware/native/esp32/" + folder).c_str());
        ASSERT_NE(nullptr, dir) << folder;
        for (dirent *entry = readdir(dir); entry != nullptr; entry = readdir(dir))
        {
            std::string name = entry->d_name;
            if (name.size() > 4 && name.compare(name.size() - 4, 4, ".cpp") == 0)
            {
                sources++;
                EXPECT_NE(std::string::npos, module.find("${NFCERTS_NATIVE_DIR}/" + std::string(folder) + "/" + name))
                    << name << " is missing from the firmware build's source list";
            }
        }

        closedir(dir);
    }

    EXPECT_EQ(14, sources);
}

TEST(Interop, TheKeyStatusCodesAreNativeKeysConstants)
{
    std::string source = RepoFile("firmware/native/esp32/managed/NativeKeys.cs");
    std::map<std::string, int> managed;
    std::regex constant("const int Status(\\w+) = (-?[0-9]+);");
    for (std::sregex_iterator it(source.begin(), source.end(), constant), end; it != end; ++it)
    {
        managed[(*it)[1]] = std::stoi((*it)[2]);
    }

    std::map<std::string, int> native = {{"InvalidData", nfcerts::KeyInvalidData},
                                         {"NotSupported", nfcerts::KeyNotSupported},
                                         {"WrongPassword", nfcerts::KeyWrongPassword},
                                         {"Failed", nfcerts::KeyFailed},
                                         {"BufferTooSmall", nfcerts::KeyBufferTooSmall},
                                         {"NotProtected", nfcerts::KeyNotProtected},
                                         {"InvalidAttributes", nfcerts::KeyInvalidAttributes}};
    EXPECT_EQ(native, managed);
    EXPECT_NE(std::string::npos, source.find("SealOverhead = " + std::to_string(nfcerts::SealOverhead) + ";"));
    EXPECT_NE(std::string::npos,
              source.find("MaxCsrAttributesLength = " + std::to_string(nfcerts::CsrAttributesMaxLength) + ";"));
}

TEST(Interop, StationCallsReachTheGlueAndPollFillsTheStatusArray)
{
    nfcerts::StationResetForTests();
    fake_idf::Reset();
    fake_idf::AccessPoint ap;
    ap.ssid = "Cafe";
    fake_idf::AddAccessPoint(ap);

    Frame begin;
    begin.Int(0, nfcerts::SecurityOpen);
    ASSERT_EQ(S_OK, Station::ProfileBegin___STATIC__I4__I4(begin.stack));
    EXPECT_EQ(0, begin.stack.result);

    Frame set;
    set.Int(0, nfcerts::FieldSsid);
    set.Bytes(1, Text("Cafe"));
    ASSERT_EQ(S_OK, Station::ProfileSet___STATIC__I4__I4__SZARRAY_U1(set.stack));
    EXPECT_EQ(0, set.stack.result);

    Frame connect;
    CLR_RT_HeapBlock_Array &error = connect.Ints(0, 1);
    ASSERT_EQ(S_OK, Station::Connect___STATIC__I4__SZARRAY_I4(connect.stack));
    EXPECT_EQ(0, connect.stack.result);
    EXPECT_EQ(0, IntAt(error, 0));
    fake_idf::RunEvents();

    Frame poll;
    CLR_RT_HeapBlock_Array &status = poll.Ints(0, 5);
    ASSERT_EQ(S_OK, Station::Poll___STATIC__VOID__SZARRAY_I4(poll.stack));
    EXPECT_EQ(nfcerts::StateConnected, IntAt(status, 0));
    EXPECT_EQ(0, IntAt(status, 1));

    Frame shortPoll;
    shortPoll.Ints(0, 4);
    EXPECT_EQ(CLR_E_INDEX_OUT_OF_RANGE, Station::Poll___STATIC__VOID__SZARRAY_I4(shortPoll.stack));
    Frame nullPoll;
    EXPECT_EQ(CLR_E_ARGUMENT_NULL, Station::Poll___STATIC__VOID__SZARRAY_I4(nullPoll.stack));

    Frame disconnect;
    EXPECT_EQ(S_OK, Station::Disconnect___STATIC__VOID(disconnect.stack));
    fake_idf::RunEvents();
    nfcerts::StationResetForTests();
}

TEST(Interop, HashTakesAlgorithmDataOffsetCountAndDigestInThatOrder)
{
    Frame f;
    f.Int(0, 2); // SHA-256
    f.Bytes(1, Text("xxabcxx"));
    f.Int(2, 2);
    f.Int(3, 3);
    CLR_RT_HeapBlock_Array &digest = f.Bytes(4, std::vector<uint8_t>(32, 0));
    ASSERT_EQ(S_OK, Keys::Hash___STATIC__I4__I4__SZARRAY_U1__I4__I4__SZARRAY_U1(f.stack));
    EXPECT_EQ(32, f.stack.result);
    EXPECT_EQ(0xba, digest.GetFirstElement()[0]); // SHA-256("abc") starts ba 78 16 bf
    EXPECT_EQ(0x78, digest.GetFirstElement()[1]);

    f.Int(3, 6); // runs past the end of the data
    EXPECT_EQ(CLR_E_OUT_OF_RANGE, Keys::Hash___STATIC__I4__I4__SZARRAY_U1__I4__I4__SZARRAY_U1(f.stack));
}

TEST(Interop, SealTakesTheKeyThenTheOutputAndUnsealReversesIt)
{
    fake_idf::Reset();
    nfcerts::SealSetDeviceKeySource(&nfcerts::DeviceKeyFromHmac);
    fake_idf::BurnKey(EFUSE_BLK_KEY0, ESP_EFUSE_KEY_PURPOSE_HMAC_UP, std::vector<uint8_t>(32, 0x42));

    Frame status;
    ASSERT_EQ(S_OK, Keys::DeviceKeyStatus___STATIC__I4(status.stack));
    EXPECT_EQ(1, status.stack.result);

    std::vector<uint8_t> key = Text("a private key, DER in real life");
    Frame seal;
    seal.Bytes(0, key);
    CLR_RT_HeapBlock_Array &sealed = seal.Bytes(1, std::vector<uint8_t>(key.size() + 29, 0));
    ASSERT_EQ(S_OK, Keys::Seal___STATIC__I4__SZARRAY_U1__SZARRAY_U1(seal.stack));
    ASSERT_EQ((int)key.size() + 29, seal.stack.result);
    EXPECT_EQ(0x01, sealed.GetFirstElement()[0]);

    Frame unseal;
    unseal.Bytes(0, sealed.storage);
    CLR_RT_HeapBlock_Array &plain = unseal.Bytes(1, std::vector<uint8_t>(key.size(), 0));
    ASSERT_EQ(S_OK, Keys::Unseal___STATIC__I4__SZARRAY_U1__SZARRAY_U1(unseal.stack));
    EXPECT_EQ((int)key.size(), unseal.stack.result);
    EXPECT_EQ(key, plain.storage);

    Frame null;
    null.Bytes(1, std::vector<uint8_t>(8, 0));
    EXPECT_EQ(CLR_E_ARGUMENT_NULL, Keys::Seal___STATIC__I4__SZARRAY_U1__SZARRAY_U1(null.stack));
    nfcerts::SealSetDeviceKeySource(nullptr);
}

TEST(Interop, CreateCsrTakesTheKeySubjectAttributesThenTheOutput)
{
    std::vector<uint8_t> key(4096);
    int keyLength = nfcerts::KeysGenerate(nfcerts::KeyEcP256, key.data(), key.size());
    ASSERT_GT(keyLength, 0);
    key.resize((size_t)keyLength);

    // 1.2.3.4 = "v": attributes in the third argument reach the writer and are checked there.
    const std::vector<uint8_t> attribute = {0x30, 0x0A, 0x06, 0x03, 0x2A, 0x03, 0x04, 0x31, 0x03, 0x0C, 0x01, 'v'};
    Frame csr;
    csr.Bytes(0, key);
    csr.Bytes(1, Text("CN=device-001"));
    csr.Bytes(2, attribute);
    CLR_RT_HeapBlock_Array &out = csr.Bytes(3, std::vector<uint8_t>(4096, 0));
    ASSERT_EQ(S_OK, Keys::CreateCsr___STATIC__I4__SZARRAY_U1__SZARRAY_U1__SZARRAY_U1__SZARRAY_U1(csr.stack));
    ASSERT_GT(csr.stack.result, 0);
    EXPECT_EQ(0x30, out.GetFirstElement()[0]);
    std::vector<uint8_t> written(out.storage.begin(), out.storage.begin() + csr.stack.result);
    EXPECT_NE(std::search(written.begin(), written.end(), attribute.begin(), attribute.end()), written.end());

    Frame bad;
    bad.Bytes(0, key);
    bad.Bytes(1, Text("CN=device-001"));
    bad.Bytes(2, Text("junk"));
    bad.Bytes(3, std::vector<uint8_t>(4096, 0));
    ASSERT_EQ(S_OK, Keys::CreateCsr___STATIC__I4__SZARRAY_U1__SZARRAY_U1__SZARRAY_U1__SZARRAY_U1(bad.stack));
    EXPECT_EQ(nfcerts::KeyInvalidAttributes, bad.stack.result);

    Frame none; // a null attributes array is none
    none.Bytes(0, key);
    none.Bytes(1, Text("CN=device-001"));
    none.Bytes(3, std::vector<uint8_t>(4096, 0));
    ASSERT_EQ(S_OK, Keys::CreateCsr___STATIC__I4__SZARRAY_U1__SZARRAY_U1__SZARRAY_U1__SZARRAY_U1(none.stack));
    EXPECT_GT(none.stack.result, 0);

    Frame noOutput;
    noOutput.Bytes(0, key);
    noOutput.Bytes(1, Text("CN=device-001"));
    EXPECT_EQ(CLR_E_ARGUMENT_NULL,
              Keys::CreateCsr___STATIC__I4__SZARRAY_U1__SZARRAY_U1__SZARRAY_U1__SZARRAY_U1(noOutput.stack));
}

TEST(Interop, FlashReadsIntoTheBufferAtItsOffsetAndChecksTheBufferRange)
{
    fake_idf::Reset();
    fake_idf::AddPartition(nfcerts::StorePartitionLabel, 8192, false);
    fake_idf::PartitionData(nfcerts::StorePartitionLabel)[10] = 0x5A;

    Frame read0;
    read0.Int(0, 10);
    read0.Bytes(1, std::vector<uint8_t>(4, 0));
    read0.Int(2, 1);
    read0.Int(3, 1);
    EXPECT_EQ(CLR_E_INVALID_OPERATION, Flash::Read___STATIC__I4__I4__SZARRAY_U1__I4__I4(read0.stack)) << "not open";

    Frame open;
    open.Bytes(0, Text("nfcerts"));
    CLR_RT_HeapBlock_Array &geometry = open.Ints(1, 3);
    ASSERT_EQ(S_OK, Flash::Open___STATIC__I4__SZARRAY_U1__SZARRAY_I4(open.stack));
    EXPECT_EQ(0, open.stack.result);
    EXPECT_EQ(8192, IntAt(geometry, 0));
    EXPECT_EQ(4096, IntAt(geometry, 1));
    EXPECT_EQ(1, IntAt(geometry, 2));

    Frame read;
    read.Int(0, 10);
    CLR_RT_HeapBlock_Array &buffer = read.Bytes(1, std::vector<uint8_t>(4, 0));
    read.Int(2, 1);
    read.Int(3, 1);
    ASSERT_EQ(S_OK, Flash::Read___STATIC__I4__I4__SZARRAY_U1__I4__I4(read.stack));
    EXPECT_EQ(0, read.stack.result);
    EXPECT_EQ(0x00, buffer.GetFirstElement()[0]);
    EXPECT_EQ(0x5A, buffer.GetFirstElement()[1]);

    read.Int(2, 3);
    read.Int(3, 2); // buffer offset + count past the array
    ASSERT_EQ(S_OK, Flash::Read___STATIC__I4__I4__SZARRAY_U1__I4__I4(read.stack));
    EXPECT_EQ(nfcerts::FlashOutOfRange, read.stack.result);

    Frame erase;
    erase.Int(0, 1);
    ASSERT_EQ(S_OK, Flash::Erase___STATIC__I4__I4(erase.stack));
    EXPECT_EQ(0, erase.stack.result);
    EXPECT_EQ(1, fake_idf::EraseCount(nfcerts::StorePartitionLabel, 1));
}
