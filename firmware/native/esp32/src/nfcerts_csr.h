// The PKCS#10 request writer (RFC 2986) behind KeysCreateCsr, on mbedTLS primitives. mbedTLS's own writer
// (mbedtls_x509write_csr, 2.28 and 3.x) adds extensions but no other attribute, so it cannot carry the
// challengePassword an EST server asks for in /csrattrs; this one writes any attributes CsrCheckAttributes passed.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <vector>

#include "mbedtls/pk.h"

#include "nfcerts_mbedtls_compat.h"

namespace nfcerts
{

// Writes into request the DER of a request for the key (an RSA or EC private key) with the subject in the string
// form mbedtls_x509_string_to_names takes (Rfc4514ToMbedtlsSubject's output) and attributes, the content of the
// [0] as CsrCheckAttributes made it (empty: none), signed with SHA-256. Returns KeyOk, KeyInvalidData for a subject
// mbedTLS refuses, KeyNotSupported or KeyFailed. Native heap: about four times the request's size.
int CsrWrite(mbedtls_pk_context *key, const char *subject, const std::vector<uint8_t> &attributes,
             RandomFunction random, void *randomState, std::vector<uint8_t> &request);

} // namespace nfcerts
