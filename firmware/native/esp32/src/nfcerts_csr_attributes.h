// The attributes of a PKCS#10 request (RFC 2986 4.1: CertificationRequestInfo's "attributes [0] SET OF Attribute"),
// as the EST client hands them to the key vault (IKeyVault.CreateCertificateRequest in hal/NfCerts.Hal/IKeyVault.cs:
// the DER of each Attribute, back to back, e.g. challengePassword and extensionRequest for /csrattrs). They are
// checked here, before anything reaches mbedTLS, and put in the order DER gives a SET OF. Plain DER, no mbedTLS.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <vector>

namespace nfcerts
{

// Bounds, checked before anything is parsed. An EST server's challengePassword (at most 255 characters) and an
// extensionRequest with a few subjectAltNames, keyUsage and extendedKeyUsage need 100-400 bytes.
const size_t CsrAttributesMaxLength = 1024; // longer: KeyNotSupported (the caller may send the request without them)
const size_t CsrAttributesMaxCount = 16;    // Attribute elements
const size_t CsrAttributeMaxValues = 16;    // values of one Attribute, and extensions of one extensionRequest
const size_t CsrAttributeMaxDepth = 8;      // nesting of constructed elements inside a value

// Checks len bytes of Attribute elements and writes them to out in DER's SET OF order (X.690 11.6: ascending by
// encoding; each Attribute's SET OF values likewise), ready to be the content of the [0]. Empty or null: nothing.
// Every element must be DER with definite, minimal lengths and one-byte tags; an Attribute is SEQUENCE { OBJECT
// IDENTIFIER, SET OF at least one value } with nothing after it; each type appears once. challengePassword
// (1.2.840.113549.1.9.7) has one DirectoryString value; extensionRequest (1.2.840.113549.1.9.14) one SEQUENCE OF
// Extension { OID, BOOLEAN critical DEFAULT FALSE, OCTET STRING holding one DER element }, each extension once.
// Returns KeyOk, KeyInvalidAttributes, or KeyNotSupported when longer than CsrAttributesMaxLength.
int CsrCheckAttributes(const uint8_t *der, size_t len, std::vector<uint8_t> &out);

} // namespace nfcerts
