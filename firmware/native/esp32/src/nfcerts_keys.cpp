#include "nfcerts_mbedtls_config.h"

#include "nfcerts_keys.h"

#include <string.h>

#include <mutex>
#include <string>
#include <vector>

#include "mbedtls/asn1.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/ecp.h"
#include "mbedtls/entropy.h"
#include "mbedtls/md.h"
#include "mbedtls/oid.h"
#include "mbedtls/pk.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/rsa.h"
#include "mbedtls/x509_crt.h"

#include "nfcerts_csr.h"
#include "nfcerts_csr_attributes.h"
#include "nfcerts_der.h"
#include "nfcerts_mbedtls_compat.h"

namespace nfcerts
{

namespace
{

// Largest DER any function here produces or accepts in one piece (RSA 4096 PKCS#8 is about 2.4 KiB).
const size_t WorkBufferSize = 4096;

struct Random
{
    std::mutex mutex;
    bool seeded = false;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
};

Random &TheRandom()
{
    static Random random;
    return random;
}

// A seeded CTR-DRBG. On ESP32 the entropy source is the hardware RNG that ESP-IDF's mbedTLS port registers.
mbedtls_ctr_drbg_context *Drbg()
{
    Random &r = TheRandom();
    std::lock_guard<std::mutex> lock(r.mutex);
    if (!r.seeded)
    {
        mbedtls_entropy_init(&r.entropy);
        mbedtls_ctr_drbg_init(&r.drbg);
        static const unsigned char personal[] = "nfcerts-keyvault";
        if (mbedtls_ctr_drbg_seed(&r.drbg, mbedtls_entropy_func, &r.entropy, personal, sizeof(personal) - 1) != 0)
        {
            mbedtls_ctr_drbg_free(&r.drbg);
            mbedtls_entropy_free(&r.entropy);
            return nullptr;
        }

        r.seeded = true;
    }

    return &r.drbg;
}

int RandomBytes(void *state, unsigned char *out, size_t length)
{
    Random &r = TheRandom();
    std::lock_guard<std::mutex> lock(r.mutex);
    return mbedtls_ctr_drbg_random(state, out, length);
}

// RAII holders so every path frees and wipes.
struct Pk
{
    mbedtls_pk_context ctx;
    Pk() { mbedtls_pk_init(&ctx); }
    ~Pk() { mbedtls_pk_free(&ctx); }
};

struct Crt
{
    mbedtls_x509_crt ctx;
    Crt() { mbedtls_x509_crt_init(&ctx); }
    ~Crt() { mbedtls_x509_crt_free(&ctx); }
};

struct Wiped
{
    std::vector<uint8_t> bytes;
    explicit Wiped(size_t size) : bytes(size) {}
    ~Wiped() { mbedtls_platform_zeroize(bytes.data(), bytes.size()); }
};

bool IsOneElement(const uint8_t *der, size_t length)
{
    return der != nullptr && length > 0 && der[0] == 0x30 && DerElementLength(der, length) == length;
}

int ParsePrivateKey(const uint8_t *key, size_t length, Pk &pk)
{
    if (!IsOneElement(key, length))
    {
        return KeyInvalidData;
    }

    mbedtls_ctr_drbg_context *drbg = Drbg();
    if (drbg == nullptr)
    {
        return KeyFailed;
    }

    int ret = PkParseKey(&pk.ctx, key, length, nullptr, 0, RandomBytes, drbg);
    if (ret == MBEDTLS_ERR_PK_UNKNOWN_PK_ALG)
    {
        return KeyNotSupported;
    }

    if (ret != 0)
    {
        return KeyInvalidData;
    }

    mbedtls_pk_type_t type = mbedtls_pk_get_type(&pk.ctx);
    return type == MBEDTLS_PK_RSA || type == MBEDTLS_PK_ECKEY ? KeyOk : KeyNotSupported;
}

int ParseCertificate(const uint8_t *certificate, size_t length, Crt &crt)
{
    if (!IsOneElement(certificate, length))
    {
        return KeyInvalidData;
    }

    return mbedtls_x509_crt_parse_der(&crt.ctx, certificate, length) == 0 ? KeyOk : KeyInvalidData;
}

int CopyOut(const uint8_t *data, size_t length, uint8_t *out, size_t outSize)
{
    if (length > outSize)
    {
        return KeyBufferTooSmall;
    }

    memcpy(out, data, length);
    return (int)length;
}

// Writes the key as PKCS#8 PrivateKeyInfo into out.
int WritePkcs8(Pk &pk, uint8_t *out, size_t outSize)
{
    Wiped buffer(WorkBufferSize);
    int written = mbedtls_pk_write_key_der(&pk.ctx, buffer.bytes.data(), buffer.bytes.size());
    if (written <= 0)
    {
        return KeyFailed;
    }

    // mbedtls_pk_write_key_der writes at the end of the buffer.
    const uint8_t *traditional = buffer.bytes.data() + buffer.bytes.size() - written;
    std::vector<uint8_t> pkcs8;
    if (mbedtls_pk_get_type(&pk.ctx) == MBEDTLS_PK_RSA)
    {
        pkcs8 = WrapPkcs8(traditional, (size_t)written, true, nullptr, 0);
    }
    else
    {
        const char *oid = nullptr;
        size_t oidLength = 0;
        if (mbedtls_oid_get_oid_by_ec_grp(PkEcGroupId(&pk.ctx), &oid, &oidLength) != 0)
        {
            return KeyNotSupported;
        }

        pkcs8 = WrapPkcs8(traditional, (size_t)written, false, (const uint8_t *)oid, oidLength);
    }

    int result = CopyOut(pkcs8.data(), pkcs8.size(), out, outSize);
    mbedtls_platform_zeroize(pkcs8.data(), pkcs8.size());
    return result;
}

// Decides from EncryptedPrivateKeyInfo's algorithm whether this mbedTLS can decrypt it at all, so that an
// unsupported scheme is NotSupported rather than a parse failure. PBES2 needs PBKDF2 and a cipher mbedTLS maps from
// its OID (mbedTLS 2.28: DES-CBC and DES-EDE3-CBC only; AES-CBC came in a later 3.x release); PKCS#12 PBE schemes
// need an entry in mbedTLS's PKCS#12 table.
int CheckEncryptionScheme(const uint8_t *der, size_t length)
{
    unsigned char *p = const_cast<unsigned char *>(der);
    const unsigned char *end = der + length;
    size_t outer = 0;
    if (mbedtls_asn1_get_tag(&p, end, &outer, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
    {
        return KeyInvalidData;
    }

    mbedtls_asn1_buf algorithm;
    mbedtls_asn1_buf parameters;
    if (mbedtls_asn1_get_alg(&p, end, &algorithm, &parameters) != 0)
    {
        return KeyInvalidData;
    }

    size_t octets = 0;
    unsigned char *q = p;
    if (mbedtls_asn1_get_tag(&q, end, &octets, MBEDTLS_ASN1_OCTET_STRING) != 0 || q + octets != end)
    {
        return KeyInvalidData;
    }

    static const unsigned char pbes2[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x05, 0x0D};
    static const unsigned char pbkdf2[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x05, 0x0C};
    if (algorithm.len == sizeof(pbes2) && memcmp(algorithm.p, pbes2, sizeof(pbes2)) == 0)
    {
        if (parameters.tag != (MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
        {
            return KeyInvalidData;
        }

        unsigned char *r = parameters.p;
        const unsigned char *rend = parameters.p + parameters.len;
        mbedtls_asn1_buf kdf, kdfParameters, cipher, cipherParameters;
        if (mbedtls_asn1_get_alg(&r, rend, &kdf, &kdfParameters) != 0 ||
            mbedtls_asn1_get_alg(&r, rend, &cipher, &cipherParameters) != 0)
        {
            return KeyInvalidData;
        }

        if (kdf.len != sizeof(pbkdf2) || memcmp(kdf.p, pbkdf2, sizeof(pbkdf2)) != 0)
        {
            return KeyNotSupported; // scrypt and others
        }

        mbedtls_cipher_type_t type;
        return mbedtls_oid_get_cipher_alg(&cipher, &type) == 0 ? KeyOk : KeyNotSupported;
    }

#if defined(MBEDTLS_PKCS12_C)
    mbedtls_md_type_t md;
    mbedtls_cipher_type_t cipher;
    return mbedtls_oid_get_pkcs12_pbe_alg(&algorithm, &md, &cipher) == 0 ? KeyOk : KeyNotSupported;
#else
    return KeyNotSupported; // ESP-IDF's default mbedTLS configuration leaves PKCS#12 out
#endif
}

} // namespace

int KeysHash(int algorithm, const uint8_t *data, size_t length, uint8_t *digest, size_t digestSize)
{
    const mbedtls_md_info_t *info = nullptr;
    if (algorithm == HashSha1)
    {
        info = mbedtls_md_info_from_type(MBEDTLS_MD_SHA1);
    }
    else if (algorithm == HashSha256)
    {
        info = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
    }

    if (info == nullptr)
    {
        return KeyNotSupported;
    }

    size_t size = mbedtls_md_get_size(info);
    if (digestSize < size)
    {
        return KeyBufferTooSmall;
    }

    if (data == nullptr && length != 0)
    {
        return KeyInvalidData;
    }

    static const uint8_t empty = 0;
    return mbedtls_md(info, data != nullptr ? data : &empty, length, digest) == 0 ? (int)size : KeyFailed;
}

int KeysGenerate(int algorithm, uint8_t *out, size_t outSize)
{
    mbedtls_ctr_drbg_context *drbg = Drbg();
    if (drbg == nullptr)
    {
        return KeyFailed;
    }

    Pk pk;
    if (algorithm == KeyEcP256)
    {
        if (mbedtls_pk_setup(&pk.ctx, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) != 0 ||
            mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(pk.ctx), RandomBytes, drbg) != 0)
        {
            return KeyFailed;
        }
    }
    else if (algorithm == KeyRsa2048)
    {
        if (mbedtls_pk_setup(&pk.ctx, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA)) != 0 ||
            mbedtls_rsa_gen_key(mbedtls_pk_rsa(pk.ctx), RandomBytes, drbg, 2048, 65537) != 0)
        {
            return KeyFailed;
        }
    }
    else
    {
        return KeyNotSupported;
    }

    return WritePkcs8(pk, out, outSize);
}

int KeysCreateCsr(const uint8_t *key, size_t keyLength, const char *subject, size_t subjectLength,
                  const uint8_t *attributes, size_t attributesLength, uint8_t *out, size_t outSize)
{
    // The attributes first: malformed ones are refused before mbedTLS sees any of the request.
    std::vector<uint8_t> sorted;
    int status = CsrCheckAttributes(attributes, attributesLength, sorted);
    if (status != KeyOk)
    {
        return status;
    }

    std::string name;
    bool unsupported = false;
    if (!Rfc4514ToMbedtlsSubject(subject, subjectLength, name, unsupported))
    {
        return unsupported ? KeyNotSupported : KeyInvalidData;
    }

    Pk pk;
    status = ParsePrivateKey(key, keyLength, pk);
    if (status != KeyOk)
    {
        return status;
    }

    mbedtls_ctr_drbg_context *drbg = Drbg();
    if (drbg == nullptr)
    {
        return KeyFailed;
    }

    std::vector<uint8_t> request;
    status = CsrWrite(&pk.ctx, name.c_str(), sorted, RandomBytes, drbg, request);
    return status != KeyOk ? status : CopyOut(request.data(), request.size(), out, outSize);
}

int KeysMatchCertificate(const uint8_t *certificate, size_t certificateLength, const uint8_t *key, size_t keyLength)
{
    Crt crt;
    int status = ParseCertificate(certificate, certificateLength, crt);
    if (status != KeyOk)
    {
        return status;
    }

    Pk pk;
    status = ParsePrivateKey(key, keyLength, pk);
    if (status != KeyOk)
    {
        return status;
    }

    if (!mbedtls_pk_can_do(&crt.ctx.pk, mbedtls_pk_get_type(&pk.ctx)))
    {
        return 0; // an RSA key for an EC certificate, or the reverse
    }

    mbedtls_ctr_drbg_context *drbg = Drbg();
    if (drbg == nullptr)
    {
        return KeyFailed;
    }

    return PkCheckPair(&crt.ctx.pk, &pk.ctx, RandomBytes, drbg) == 0 ? 1 : 0;
}

int KeysDecrypt(const uint8_t *encrypted, size_t encryptedLength, const uint8_t *password, size_t passwordLength,
                uint8_t *out, size_t outSize)
{
    if (!IsOneElement(encrypted, encryptedLength))
    {
        return KeyInvalidData;
    }

    int status = CheckEncryptionScheme(encrypted, encryptedLength);
    if (status != KeyOk)
    {
        return status;
    }

    if (password == nullptr || passwordLength == 0)
    {
        return KeyWrongPassword;
    }

    mbedtls_ctr_drbg_context *drbg = Drbg();
    if (drbg == nullptr)
    {
        return KeyFailed;
    }

    Pk pk;
    int ret = PkParseKey(&pk.ctx, encrypted, encryptedLength, password, passwordLength, RandomBytes, drbg);
    if (ret != 0)
    {
        // The outer structure parsed and the scheme is supported: a failure now is a wrong password (or a corrupt
        // ciphertext, which decrypts to the same garbage).
        return KeyWrongPassword;
    }

    mbedtls_pk_type_t type = mbedtls_pk_get_type(&pk.ctx);
    if (type != MBEDTLS_PK_RSA && type != MBEDTLS_PK_ECKEY)
    {
        return KeyNotSupported;
    }

    return WritePkcs8(pk, out, outSize);
}

int KeysVerify(const uint8_t *certificate, size_t certificateLength, const uint8_t *data, size_t dataLength,
               const uint8_t *signature, size_t signatureLength)
{
    Crt crt;
    int status = ParseCertificate(certificate, certificateLength, crt);
    if (status != KeyOk)
    {
        return status;
    }

    mbedtls_pk_type_t type = mbedtls_pk_get_type(&crt.ctx.pk);
    if (type != MBEDTLS_PK_RSA && type != MBEDTLS_PK_ECKEY && type != MBEDTLS_PK_ECDSA)
    {
        return KeyNotSupported;
    }

    uint8_t hash[32];
    status = KeysHash(HashSha256, data, dataLength, hash, sizeof(hash));
    if (status < 0)
    {
        return status;
    }

    if (signature == nullptr || signatureLength == 0)
    {
        return 0;
    }

    return mbedtls_pk_verify(&crt.ctx.pk, MBEDTLS_MD_SHA256, hash, sizeof(hash), signature, signatureLength) == 0 ? 1
                                                                                                                : 0;
}

} // namespace nfcerts
