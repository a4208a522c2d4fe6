// The few mbedTLS calls whose signatures differ between mbedTLS 2.28 (Debian's libmbedtls-dev, used by the host
// tests) and mbedTLS 3.x (what ESP-IDF 5.x ships). Everything else the key vault calls has the same signature in
// both lines: mbedtls_pk_setup, mbedtls_ecp_gen_key, mbedtls_rsa_gen_key, mbedtls_pk_write_key_der,
// mbedtls_pk_write_pubkey_der, mbedtls_x509_string_to_names, mbedtls_oid_get_oid_by_sig_alg, mbedtls_x509_crt_parse_der, mbedtls_pk_verify, mbedtls_md, mbedtls_base64_encode,
// mbedtls_gcm_*, mbedtls_ctr_drbg_*, mbedtls_entropy_*.
#pragma once

#include "mbedtls/version.h"
#include "mbedtls/pk.h"

namespace nfcerts
{

typedef int (*RandomFunction)(void *, unsigned char *, size_t);

// mbedtls_pk_parse_key: 3.0 added f_rng/p_rng (used for RSA blinding while checking the parsed key).
inline int PkParseKey(mbedtls_pk_context *ctx, const unsigned char *key, size_t keyLength, const unsigned char *password,
                      size_t passwordLength, RandomFunction random, void *randomState)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    return mbedtls_pk_parse_key(ctx, key, keyLength, password, passwordLength, random, randomState);
#else
    (void)random;
    (void)randomState;
    return mbedtls_pk_parse_key(ctx, key, keyLength, password, passwordLength);
#endif
}

// mbedtls_pk_check_pair: 3.0 added f_rng/p_rng (it signs and verifies with the pair for RSA/EC checks).
inline int PkCheckPair(const mbedtls_pk_context *publicKey, const mbedtls_pk_context *privateKey, RandomFunction random,
                       void *randomState)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    return mbedtls_pk_check_pair(publicKey, privateKey, random, randomState);
#else
    (void)random;
    (void)randomState;
    return mbedtls_pk_check_pair(publicKey, privateKey);
#endif
}

// mbedtls_pk_sign: 3.0 added sig_size, the size of the signature buffer.
inline int PkSign(mbedtls_pk_context *ctx, mbedtls_md_type_t md, const unsigned char *hash, size_t hashLength,
                  unsigned char *signature, size_t signatureSize, size_t *signatureLength, RandomFunction random,
                  void *randomState)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    return mbedtls_pk_sign(ctx, md, hash, hashLength, signature, signatureSize, signatureLength, random, randomState);
#else
    if (signatureSize < MBEDTLS_PK_SIGNATURE_MAX_SIZE)
    {
        return MBEDTLS_ERR_PK_BAD_INPUT_DATA; // 2.28 writes up to that many bytes without being told the size
    }

    return mbedtls_pk_sign(ctx, md, hash, hashLength, signature, signatureLength, random, randomState);
#endif
}

} // namespace nfcerts

#include "mbedtls/ecp.h"

namespace nfcerts
{

// The curve of an EC key. mbedTLS 3.x made mbedtls_ecp_keypair's fields private (MBEDTLS_PRIVATE); reading the
// group id through the macro is what ESP-IDF's own supplicant code does, and it compiles on both lines.
inline mbedtls_ecp_group_id PkEcGroupId(const mbedtls_pk_context *pk)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    return mbedtls_pk_ec(*pk)->MBEDTLS_PRIVATE(grp).id;
#else
    return mbedtls_pk_ec(*pk)->grp.id;
#endif
}

} // namespace nfcerts
