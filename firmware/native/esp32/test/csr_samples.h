// DER request attributes for the CSR tests, built as the EST client builds them (firmware/NfCerts.Core/Est/
// CsrRequestAttributes.cs): challengePassword and an extensionRequest, each Attribute's DER back to back.
#pragma once

#include <stdint.h>

#include <string>
#include <vector>

#include "nfcerts_der.h"

namespace csr_samples
{

inline std::vector<uint8_t> Der(uint8_t tag, const std::vector<uint8_t> &content)
{
    std::vector<uint8_t> out;
    nfcerts::DerAppend(out, tag, content.data(), content.size());
    return out;
}

inline std::vector<uint8_t> Cat(std::vector<uint8_t> a, const std::vector<uint8_t> &b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

inline std::vector<uint8_t> Text(uint8_t tag, const std::string &s)
{
    return Der(tag, std::vector<uint8_t>(s.begin(), s.end()));
}

// 1.2.840.113549.1.9.7 / .14, 2.5.29.17 (subjectAltName), 2.5.29.15 (keyUsage) as OBJECT IDENTIFIER elements.
const std::vector<uint8_t> ChallengePasswordOid = {0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x07};
const std::vector<uint8_t> ExtensionRequestOid = {0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x0E};
const std::vector<uint8_t> SubjectAltNameOid = {0x06, 0x03, 0x55, 0x1D, 0x11};
const std::vector<uint8_t> KeyUsageOid = {0x06, 0x03, 0x55, 0x1D, 0x0F};
const std::vector<uint8_t> True = {0x01, 0x01, 0xFF};

inline std::vector<uint8_t> Attribute(const std::vector<uint8_t> &type, const std::vector<uint8_t> &values)
{
    return Der(0x30, Cat(type, Der(0x31, values)));
}

inline std::vector<uint8_t> ChallengePassword(const std::string &password)
{
    return Attribute(ChallengePasswordOid, Text(0x0C, password));
}

// subjectAltName DNS:<dns>, IP:127.0.0.1.
inline std::vector<uint8_t> SubjectAltName(const std::string &dns)
{
    std::vector<uint8_t> names = Cat(Text(0x82, dns), {0x87, 0x04, 0x7F, 0x00, 0x00, 0x01});
    return Der(0x30, Cat(SubjectAltNameOid, Der(0x04, Der(0x30, names))));
}

// keyUsage, critical: digitalSignature, plus keyEncipherment when asked.
inline std::vector<uint8_t> KeyUsage(bool keyEncipherment)
{
    std::vector<uint8_t> bits = keyEncipherment ? std::vector<uint8_t>{0x03, 0x02, 0x05, 0xA0}
                                                : std::vector<uint8_t>{0x03, 0x02, 0x07, 0x80};
    return Der(0x30, Cat(Cat(KeyUsageOid, True), Der(0x04, bits)));
}

inline std::vector<uint8_t> ExtensionRequest(const std::vector<uint8_t> &extensions)
{
    return Attribute(ExtensionRequestOid, Der(0x30, extensions));
}

} // namespace csr_samples
