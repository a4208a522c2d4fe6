// Small DER and PEM helpers shared by the station and the key vault: splitting concatenated DER certificates,
// turning them into the NUL-terminated PEM bundle the supplicant parses, wrapping traditional private keys in
// PKCS#8, and converting an RFC 4514 subject into the string mbedTLS's CSR writer takes.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <string>
#include <vector>

namespace nfcerts
{

// Reads the length of the DER element at data[0..len) (tag + length + contents). Returns 0 when the bytes do not
// start with a well-formed, definite-length element that fits in len.
size_t DerElementLength(const uint8_t *data, size_t len);

// Splits len bytes of concatenated DER certificates (each a SEQUENCE) into (offset, length) pairs. False when the
// bytes are empty, do not tile exactly, or an element is not a SEQUENCE.
bool SplitDerCertificates(const uint8_t *data, size_t len, std::vector<std::pair<size_t, size_t> > &parts);

// Builds "-----BEGIN CERTIFICATE-----..." blocks for each DER certificate, concatenated, with one terminating NUL
// counted in the size: mbedtls_x509_crt_parse (which the supplicant calls on the CA buffer) parses several PEM
// certificates from one buffer, but only one DER certificate. False when a certificate cannot be encoded.
bool BuildPemBundle(const uint8_t *der, size_t len, std::vector<uint8_t> &pem);

// Appends a DER tag + length header for a content of contentLength bytes.
void DerAppendHeader(std::vector<uint8_t> &out, uint8_t tag, size_t contentLength);

// Appends a DER element: the header, then contentLength bytes of content.
void DerAppend(std::vector<uint8_t> &out, uint8_t tag, const uint8_t *content, size_t contentLength);

// Wraps a PKCS#1 RSAPrivateKey (rsa == true) or SEC1 ECPrivateKey on NIST P-256 in a PKCS#8 PrivateKeyInfo
// (RFC 5208): version 0, the algorithm identifier (rsaEncryption with NULL parameters, or id-ecPublicKey with the
// curve OID) and the key as an OCTET STRING. mbedTLS (2.28 and 3.x) writes only the traditional forms.
std::vector<uint8_t> WrapPkcs8(const uint8_t *key, size_t len, bool rsa, const uint8_t *curveOid, size_t curveOidLen);

// Converts an RFC 4514 subject ("CN=device-001,O=Contoso") into the form mbedtls_x509write_csr_set_subject_name
// takes. RFC 4514 lists RDNs last to first; mbedTLS encodes its string first to first, so the RDN order is
// reversed. Escapes are decoded ("\," "\+" "\\" "\"" and "\XX" hex pairs, RFC 4514 section 2.4) and re-escaped
// for the mbedTLS in use: before 3.5 mbedTLS knows only "\,", so a value holding a backslash cannot be expressed;
// 3.5 and later take RFC 4514 escapes. Returns false for a syntax error, an empty subject, a multi-valued RDN
// ("CN=a+UID=b", which mbedTLS 2.28 cannot encode) or an inexpressible value; unsupportedFeature tells the last
// two apart from syntax errors.
bool Rfc4514ToMbedtlsSubject(const char *subject, size_t len, std::string &out, bool &unsupportedFeature);

} // namespace nfcerts
