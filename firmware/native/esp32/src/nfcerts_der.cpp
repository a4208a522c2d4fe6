#include "nfcerts_mbedtls_config.h"

#include "nfcerts_der.h"

#include <string.h>

#include "mbedtls/base64.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/version.h"

namespace nfcerts
{

size_t DerElementLength(const uint8_t *data, size_t len)
{
    if (data == nullptr || len < 2)
    {
        return 0;
    }

    size_t header = 2;
    size_t content = data[1];
    if (content & 0x80)
    {
        size_t octets = content & 0x7F;
        if (octets == 0 || octets > 4 || len < 2 + octets)
        {
            return 0; // indefinite length or longer than this code accepts
        }

        content = 0;
        for (size_t i = 0; i < octets; i++)
        {
            content = (content << 8) | data[2 + i];
        }

        header += octets;
    }

    if (content > len - header)
    {
        return 0;
    }

    return header + content;
}

bool SplitDerCertificates(const uint8_t *data, size_t len, std::vector<std::pair<size_t, size_t> > &parts)
{
    parts.clear();
    if (data == nullptr || len == 0)
    {
        return false;
    }

    size_t at = 0;
    while (at < len)
    {
        if (data[at] != 0x30)
        {
            return false;
        }

        size_t element = DerElementLength(data + at, len - at);
        if (element == 0)
        {
            return false;
        }

        parts.push_back(std::make_pair(at, element));
        at += element;
    }

    return true;
}

// One "-----BEGIN CERTIFICATE-----" block, base64 in lines of 64 characters (RFC 7468). Written here because
// mbedtls_pem_write_buffer is compiled out of nanoFramework's ESP32 mbedTLS (CONFIG_MBEDTLS_PEM_WRITE_C=n).
static bool AppendPemCertificate(const uint8_t *der, size_t len, std::vector<uint8_t> &pem)
{
    static const char header[] = "-----BEGIN CERTIFICATE-----\n";
    static const char footer[] = "-----END CERTIFICATE-----\n";
    const size_t line = 64;
    size_t needed = 0;
    mbedtls_base64_encode(nullptr, 0, &needed, der, len); // reports the size, NUL included
    std::vector<uint8_t> text(needed);
    size_t written = 0;
    if (needed == 0 || mbedtls_base64_encode(text.data(), text.size(), &written, der, len) != 0)
    {
        return false;
    }

    pem.insert(pem.end(), header, header + sizeof(header) - 1);
    for (size_t at = 0; at < written; at += line)
    {
        size_t n = written - at < line ? written - at : line;
        pem.insert(pem.end(), text.begin() + at, text.begin() + at + n);
        pem.push_back('\n');
    }

    pem.insert(pem.end(), footer, footer + sizeof(footer) - 1);
    return true;
}

bool BuildPemBundle(const uint8_t *der, size_t len, std::vector<uint8_t> &pem)
{
    std::vector<std::pair<size_t, size_t> > parts;
    pem.clear();
    if (!SplitDerCertificates(der, len, parts))
    {
        return false;
    }

    for (size_t i = 0; i < parts.size(); i++)
    {
        if (!AppendPemCertificate(der + parts[i].first, parts[i].second, pem))
        {
            pem.clear();
            return false;
        }
    }

    pem.push_back(0);
    return true;
}

void DerAppendHeader(std::vector<uint8_t> &out, uint8_t tag, size_t contentLength)
{
    out.push_back(tag);
    if (contentLength < 0x80)
    {
        out.push_back((uint8_t)contentLength);
    }
    else if (contentLength <= 0xFF)
    {
        out.push_back(0x81);
        out.push_back((uint8_t)contentLength);
    }
    else if (contentLength <= 0xFFFF)
    {
        out.push_back(0x82);
        out.push_back((uint8_t)(contentLength >> 8));
        out.push_back((uint8_t)contentLength);
    }
    else
    {
        out.push_back(0x83);
        out.push_back((uint8_t)(contentLength >> 16));
        out.push_back((uint8_t)(contentLength >> 8));
        out.push_back((uint8_t)contentLength);
    }
}

void DerAppend(std::vector<uint8_t> &out, uint8_t tag, const uint8_t *content, size_t contentLength)
{
    DerAppendHeader(out, tag, contentLength);
    out.insert(out.end(), content, content + contentLength);
}

std::vector<uint8_t> WrapPkcs8(const uint8_t *key, size_t len, bool rsa, const uint8_t *curveOid, size_t curveOidLen)
{
    static const uint8_t rsaEncryption[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01};
    static const uint8_t ecPublicKey[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01};

    std::vector<uint8_t> algorithm;
    if (rsa)
    {
        DerAppend(algorithm, 0x06, rsaEncryption, sizeof(rsaEncryption));
        algorithm.push_back(0x05); // NULL parameters
        algorithm.push_back(0x00);
    }
    else
    {
        DerAppend(algorithm, 0x06, ecPublicKey, sizeof(ecPublicKey));
        DerAppend(algorithm, 0x06, curveOid, curveOidLen);
    }

    // Reserved up front so that no reallocation leaves a copy of the key behind; body is wiped, out is the caller's.
    std::vector<uint8_t> body;
    body.reserve(3 + algorithm.size() + len + 12);
    body.push_back(0x02); // version INTEGER 0
    body.push_back(0x01);
    body.push_back(0x00);
    DerAppend(body, 0x30, algorithm.data(), algorithm.size());
    DerAppend(body, 0x04, key, len);

    std::vector<uint8_t> out;
    out.reserve(body.size() + 6);
    DerAppend(out, 0x30, body.data(), body.size());
    mbedtls_platform_zeroize(body.data(), body.size());
    return out;
}

namespace
{

int HexValue(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

struct Rdn
{
    std::string type;
    std::string value; // decoded bytes
};

} // namespace

bool Rfc4514ToMbedtlsSubject(const char *subject, size_t len, std::string &out, bool &unsupportedFeature)
{
    out.clear();
    unsupportedFeature = false;
    if (subject == nullptr || len == 0)
    {
        return false;
    }

    std::vector<Rdn> rdns;
    size_t i = 0;
    while (i < len)
    {
        Rdn rdn;
        while (i < len && subject[i] != '=')
        {
            char c = subject[i];
            bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.';
            if (!ok)
            {
                return false;
            }

            rdn.type.push_back(c);
            i++;
        }

        if (i >= len || rdn.type.empty())
        {
            return false;
        }

        i++; // '='
        while (i < len && subject[i] != ',')
        {
            char c = subject[i];
            if (c == '+')
            {
                unsupportedFeature = true; // multi-valued RDN
                return false;
            }

            if (c == '\\')
            {
                if (i + 1 >= len)
                {
                    return false;
                }

                int hi = HexValue(subject[i + 1]);
                int lo = i + 2 < len ? HexValue(subject[i + 2]) : -1;
                if (hi >= 0 && lo >= 0)
                {
                    rdn.value.push_back((char)(hi * 16 + lo));
                    i += 3;
                    continue;
                }

                char escaped = subject[i + 1];
                if (strchr(" \"#+,;<=>\\", escaped) == nullptr)
                {
                    return false;
                }

                rdn.value.push_back(escaped);
                i += 2;
                continue;
            }

            if (c == '"' || c == ';' || c == '<' || c == '>' || c == '\0')
            {
                return false; // must be escaped in RFC 4514
            }

            rdn.value.push_back(c);
            i++;
        }

        if (rdn.value.empty())
        {
            return false;
        }

        rdns.push_back(rdn);
        if (i < len)
        {
            i++; // ','
            if (i == len)
            {
                return false; // trailing comma
            }
        }
    }

    for (size_t k = rdns.size(); k-- > 0;)
    {
        if (!out.empty())
        {
            out.push_back(',');
        }

        out += rdns[k].type;
        out.push_back('=');
        for (size_t j = 0; j < rdns[k].value.size(); j++)
        {
            char c = rdns[k].value[j];
#if MBEDTLS_VERSION_NUMBER < 0x03050000
            // mbedTLS before 3.5 (x509_create.c) accepts exactly one escape, "\,", and takes every other
            // character literally; a backslash in a value cannot be expressed at all.
            if (c == '\\')
            {
                unsupportedFeature = true;
                out.clear();
                return false;
            }

            if (c == ',')
            {
                out.push_back('\\');
            }
#else
            // mbedTLS 3.5 and later parse RFC 4514 escapes; escape every special character.
            if (strchr(",=+<>#;\"\\", c) != nullptr)
            {
                out.push_back('\\');
            }
#endif
            out.push_back(c);
        }
    }

    return true;
}

} // namespace nfcerts
