// The check of CSR attributes before a request is written: what is accepted, in which order it is written, and the
// malformed inputs that are refused with KeyInvalidAttributes.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "csr_samples.h"
#include "nfcerts_csr_attributes.h"
#include "nfcerts_status.h"

using namespace csr_samples;
using nfcerts::CsrCheckAttributes;

namespace
{

int Check(const std::vector<uint8_t> &der, std::vector<uint8_t> *out = nullptr)
{
    std::vector<uint8_t> sorted;
    int status = CsrCheckAttributes(der.data(), der.size(), sorted);
    if (out != nullptr)
    {
        *out = sorted;
    }

    return status;
}

const std::vector<uint8_t> OtherOid = {0x06, 0x03, 0x2A, 0x03, 0x04}; // 1.2.3.4

} // namespace

TEST(CsrAttributes, NoneIsNothing)
{
    std::vector<uint8_t> out = {1};
    EXPECT_EQ(nfcerts::KeyOk, CsrCheckAttributes(nullptr, 0, out));
    EXPECT_TRUE(out.empty());
}

TEST(CsrAttributes, AttributesComeOutInDerSetOfOrderWithTheirValuesSorted)
{
    std::vector<uint8_t> challenge = ChallengePassword("s3cret");
    std::vector<uint8_t> extensions = ExtensionRequest(Cat(SubjectAltName("device-001.example"), KeyUsage(false)));
    std::vector<uint8_t> out;

    // challengePassword's encoding is shorter (30 14 ... < 30 3x ...), so it comes first whichever order it was given in.
    ASSERT_EQ(nfcerts::KeyOk, Check(Cat(extensions, challenge), &out));
    EXPECT_EQ(Cat(challenge, extensions), out);
    ASSERT_EQ(nfcerts::KeyOk, Check(Cat(challenge, extensions), &out));
    EXPECT_EQ(Cat(challenge, extensions), out);

    // The values of a multi-valued attribute are a SET OF too.
    std::vector<uint8_t> b = Text(0x0C, "b");
    std::vector<uint8_t> a = Text(0x0C, "a");
    ASSERT_EQ(nfcerts::KeyOk, Check(Attribute(OtherOid, Cat(b, a)), &out));
    EXPECT_EQ(Attribute(OtherOid, Cat(a, b)), out);
}

TEST(CsrAttributes, TheLengthLimitHoldsBeforeAnythingIsParsed)
{
    // Exactly the limit: one attribute whose value is an OCTET STRING of 1007 bytes (17 bytes of headers and type).
    std::vector<uint8_t> largest = Attribute(OtherOid, Der(0x04, std::vector<uint8_t>(1007, 0x55)));
    ASSERT_EQ(nfcerts::CsrAttributesMaxLength, largest.size());
    EXPECT_EQ(nfcerts::KeyOk, Check(largest));

    std::vector<uint8_t> longer = Attribute(OtherOid, Der(0x04, std::vector<uint8_t>(1008, 0x55)));
    EXPECT_EQ(nfcerts::KeyNotSupported, Check(longer));
    EXPECT_EQ(nfcerts::KeyNotSupported, Check(std::vector<uint8_t>(nfcerts::CsrAttributesMaxLength + 1, 0xFF)));
}

TEST(CsrAttributes, MalformedAttributesAreRefused)
{
    std::vector<uint8_t> good = ChallengePassword("s3cret");
    std::vector<uint8_t> san = SubjectAltName("device-001.example");
    std::vector<uint8_t> nested = Text(0x0C, "x");
    for (int i = 0; i < 9; i++)
    {
        nested = Der(0x30, nested); // one level deeper than CsrAttributeMaxDepth below the value
    }

    std::vector<uint8_t> seventeen;
    for (int i = 0; i < 17; i++)
    {
        seventeen = Cat(seventeen, Attribute({0x06, 0x02, 0x2A, (uint8_t)i}, Text(0x0C, "v")));
    }

    struct Case
    {
        const char *what;
        std::vector<uint8_t> der;
    };
    const Case cases[] = {
        {"not DER at all", {'j', 'u', 'n', 'k'}},
        {"truncated", std::vector<uint8_t>(good.begin(), good.end() - 1)},
        {"a trailing byte", Cat(good, {0x00})},
        {"a SET OF wrapper instead of the attributes", Der(0x31, good)},
        {"an indefinite length", Cat({0x30, 0x80}, Cat(std::vector<uint8_t>(good.begin() + 2, good.end()), {0, 0}))},
        {"a length not in its shortest form", Cat({0x30, 0x81, good[1]}, std::vector<uint8_t>(good.begin() + 2, good.end()))},
        {"a high tag number", Attribute(OtherOid, {0x1F, 0x21, 0x01, 0x00})},
        {"no values", Attribute(OtherOid, {})},
        {"values not in a SET", Der(0x30, Cat(OtherOid, Der(0x30, Text(0x0C, "v"))))},
        {"something after the values", Der(0x30, Cat(Cat(OtherOid, Der(0x31, Text(0x0C, "v"))), {0x05, 0x00}))},
        {"no type", Der(0x30, Der(0x31, Text(0x0C, "v")))},
        {"a type that is not an OID", Attribute({0x02, 0x01, 0x07}, Text(0x0C, "v"))},
        {"an OID with a padded subidentifier", Attribute({0x06, 0x02, 0x80, 0x01}, Text(0x0C, "v"))},
        {"an OID ending inside a subidentifier", Attribute({0x06, 0x02, 0x2A, 0x86}, Text(0x0C, "v"))},
        {"a BOOLEAN that is not DER", Attribute(OtherOid, {0x01, 0x01, 0x01})},
        {"a constructed value whose content is not DER", Attribute(OtherOid, {0x30, 0x02, 0x04, 0x05})},
        {"values nested too deep", Attribute(OtherOid, nested)},
        {"the same type twice", Cat(good, ChallengePassword("other"))},
        {"more than 16 attributes", seventeen},
        {"two challengePasswords in one attribute", Attribute(ChallengePasswordOid, Cat(Text(0x0C, "a"), Text(0x0C, "b")))},
        {"a challengePassword that is not a string", Attribute(ChallengePasswordOid, {0x02, 0x01, 0x07})},
        {"an empty challengePassword", Attribute(ChallengePasswordOid, Text(0x0C, ""))},
        {"extensions not in a SEQUENCE", Attribute(ExtensionRequestOid, Der(0x31, san))},
        {"no extensions", Attribute(ExtensionRequestOid, Der(0x30, {}))},
        {"two extension lists", Attribute(ExtensionRequestOid, Cat(Der(0x30, san), Der(0x30, KeyUsage(false))))},
        {"the same extension twice", ExtensionRequest(Cat(san, SubjectAltName("other.example")))},
        {"an extension without its value", ExtensionRequest(Der(0x30, SubjectAltNameOid))},
        {"an extension value that is not an OCTET STRING", ExtensionRequest(Der(0x30, Cat(SubjectAltNameOid, Der(0x30, {}))))},
        {"an extension value that is not one DER element", ExtensionRequest(Der(0x30, Cat(SubjectAltNameOid, Der(0x04, {0x30, 0x05}))))},
        {"an extension critical flag that is not a BOOLEAN", ExtensionRequest(Der(0x30, Cat(Cat(SubjectAltNameOid, {0x02, 0x01, 0x01}), Der(0x04, {0x05, 0x00}))))},
    };
    for (const Case &c : cases)
    {
        EXPECT_EQ(nfcerts::KeyInvalidAttributes, Check(c.der)) << c.what;
    }

    // The same checks accept their well-formed neighbours.
    EXPECT_EQ(nfcerts::KeyOk, Check(good));
    EXPECT_EQ(nfcerts::KeyOk, Check(ExtensionRequest(Cat(san, KeyUsage(true)))));
    EXPECT_EQ(nfcerts::KeyOk, Check(Attribute(OtherOid, Text(0x0C, "v"))));
}
