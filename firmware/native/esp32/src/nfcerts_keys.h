// The key vault's native half (IKeyVault in hal/NfCerts.Hal/IKeyVault.cs) on mbedTLS: SHA-1/SHA-256, ECDSA P-256
// and RSA 2048 key generation, PKCS#10 requests, key/certificate pair checks, PKCS#8 decryption and signature
// verification.
//
// Key material boundary: private keys enter as DER from the store (PKCS#8, SEC1 or PKCS#1) and leave only as the
// PKCS#8 DER of a freshly generated or freshly decrypted key, which the managed side stores at once. No function
// logs or returns key bytes otherwise; every temporary copy is zeroed (mbedtls_platform_zeroize) before release.
//
// Return values: >= 0 is a length (or 1/0 for yes/no); < 0 is a KeyStatus.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "nfcerts_status.h"

namespace nfcerts
{

enum HashAlgorithm
{
    HashSha1 = 1,
    HashSha256 = 2
};

// Same values as the HAL's KeyAlgorithm.
enum KeyKind
{
    KeyEcP256 = 1,
    KeyRsa2048 = 2
};

int KeysHash(int algorithm, const uint8_t *data, size_t length, uint8_t *digest, size_t digestSize);

int KeysGenerate(int algorithm, uint8_t *out, size_t outSize);

// A PKCS#10 request (SHA-256) for the key with the RFC 4514 subject and the request attributes (the DER of each
// Attribute, back to back; none when attributesLength is 0), checked by CsrCheckAttributes before anything else:
// KeyInvalidAttributes when they are malformed, KeyNotSupported when longer than CsrAttributesMaxLength. Written by
// CsrWrite (nfcerts_csr.h) from mbedTLS primitives, because mbedtls_x509write_csr can add extensions but no other
// attribute (challengePassword). Native heap: the attributes twice and about 4 times the request, under 10 KiB.
int KeysCreateCsr(const uint8_t *key, size_t keyLength, const char *subject, size_t subjectLength,
                  const uint8_t *attributes, size_t attributesLength, uint8_t *out, size_t outSize);

// 1 when the key is the private half of the certificate's public key, 0 for another well-formed key.
int KeysMatchCertificate(const uint8_t *certificate, size_t certificateLength, const uint8_t *key, size_t keyLength);

int KeysDecrypt(const uint8_t *encrypted, size_t encryptedLength, const uint8_t *password, size_t passwordLength,
                uint8_t *out, size_t outSize);

// 1 when signature is a valid SHA-256 signature over data by the certificate's key (ECDSA DER or RSA PKCS#1 v1.5).
int KeysVerify(const uint8_t *certificate, size_t certificateLength, const uint8_t *data, size_t dataLength,
               const uint8_t *signature, size_t signatureLength);

} // namespace nfcerts
