// DER splitting, the supplicant's CA bundle and the RFC 4514 subject conversion.
#include <string.h>

#include <algorithm>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mbedtls/x509_crt.h"
#include "nfcerts_der.h"
#include "openssl_tool.h"

using namespace nfcerts;
using testing_tools::OpenSsl;

TEST(PemBundle, ConcatenatedDerRootsBecomeABundleMbedtlsParsesIntoTheSameCertificates)
{
    OpenSsl ssl;
    ssl.MakeSelfSigned("a", "ec", "/CN=root a");
    ssl.MakeSelfSigned("b", "rsa", "/CN=root b");
    std::vector<uint8_t> a = ssl.Read("a.crt.der");
    std::vector<uint8_t> b = ssl.Read("b.crt.der");
    std::vector<uint8_t> both = a;
    both.insert(both.end(), b.begin(), b.end());

    std::vector<uint8_t> pem;
    ASSERT_TRUE(BuildPemBundle(both.data(), both.size(), pem));
    ASSERT_EQ(0, pem.back()) << "mbedtls_x509_crt_parse needs the terminating NUL counted in the length";
    EXPECT_EQ(1u, (size_t)std::count(pem.begin(), pem.end(), 0));

    // What the supplicant does with the CA buffer (tls_mbedtls.c set_ca_cert).
    mbedtls_x509_crt chain;
    mbedtls_x509_crt_init(&chain);
    ASSERT_EQ(0, mbedtls_x509_crt_parse(&chain, pem.data(), pem.size()));
    ASSERT_NE(nullptr, chain.next);
    EXPECT_EQ(a, std::vector<uint8_t>(chain.raw.p, chain.raw.p + chain.raw.len));
    EXPECT_EQ(b, std::vector<uint8_t>(chain.next->raw.p, chain.next->raw.p + chain.next->raw.len));
    EXPECT_EQ(nullptr, chain.next->next);
    mbedtls_x509_crt_free(&chain);

    // Without the conversion mbedTLS would read only the first of two DER certificates.
    mbedtls_x509_crt_init(&chain);
    EXPECT_EQ(0, mbedtls_x509_crt_parse(&chain, both.data(), both.size()));
    EXPECT_EQ(nullptr, chain.next);
    mbedtls_x509_crt_free(&chain);
}

TEST(PemBundle, RejectsWhatIsNotConcatenatedDerCertificates)
{
    std::vector<uint8_t> pem;
    const uint8_t notSequence[] = {0x04, 0x01, 0x00};
    EXPECT_FALSE(BuildPemBundle(notSequence, sizeof(notSequence), pem));
    const uint8_t truncated[] = {0x30, 0x05, 0x02, 0x01};
    EXPECT_FALSE(BuildPemBundle(truncated, sizeof(truncated), pem));
    const uint8_t trailing[] = {0x30, 0x00, 0x01};
    EXPECT_FALSE(BuildPemBundle(trailing, sizeof(trailing), pem));
    EXPECT_FALSE(BuildPemBundle(nullptr, 0, pem));
    const uint8_t indefinite[] = {0x30, 0x80, 0x00, 0x00};
    EXPECT_FALSE(BuildPemBundle(indefinite, sizeof(indefinite), pem));
}

TEST(DerLength, ReadsShortAndLongForms)
{
    const uint8_t shortForm[] = {0x30, 0x01, 0x00, 0xAA};
    EXPECT_EQ(3u, DerElementLength(shortForm, sizeof(shortForm)));
    std::vector<uint8_t> longForm = {0x30, 0x82, 0x01, 0x00};
    longForm.resize(4 + 256, 0);
    EXPECT_EQ(260u, DerElementLength(longForm.data(), longForm.size()));
    EXPECT_EQ(0u, DerElementLength(longForm.data(), longForm.size() - 1));
}

TEST(Subject, Rfc4514OrderIsReversedForMbedtlsAndEscapesAreRewritten)
{
    std::string out;
    bool unsupported = false;
    const std::string simple = "CN=device-001,O=Contoso,C=DE";
    ASSERT_TRUE(Rfc4514ToMbedtlsSubject(simple.data(), simple.size(), out, unsupported));
    EXPECT_EQ("C=DE,O=Contoso,CN=device-001", out);

    const std::string escaped = "CN=Contoso\\, Ltd,OU=M\\C3\\BCller";
    ASSERT_TRUE(Rfc4514ToMbedtlsSubject(escaped.data(), escaped.size(), out, unsupported));
    EXPECT_EQ("OU=M\xC3\xBCller,CN=Contoso\\, Ltd", out);

    const char *bad[] = {"", "CN", "=x", "CN=", "CN=a,", "CN=a;b", "C N=x", "CN=\\"};
    for (const char *subject : bad)
    {
        SCOPED_TRACE(subject);
        EXPECT_FALSE(Rfc4514ToMbedtlsSubject(subject, strlen(subject), out, unsupported));
        EXPECT_FALSE(unsupported);
    }

    const std::string multi = "CN=a+UID=b";
    EXPECT_FALSE(Rfc4514ToMbedtlsSubject(multi.data(), multi.size(), out, unsupported));
    EXPECT_TRUE(unsupported);
}
