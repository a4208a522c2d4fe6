#include "nfcerts_mbedtls_config.h"

#include "nfcerts_csr.h"

#include "mbedtls/asn1.h"
#include "mbedtls/oid.h"
#include "mbedtls/x509.h"

#include "nfcerts_der.h"
#include "nfcerts_keys.h"

namespace nfcerts
{

namespace
{

struct Names
{
    mbedtls_asn1_named_data *head = nullptr;
    ~Names() { mbedtls_asn1_free_named_data_list(&head); }
};

// The Name (RFC 5280 4.1.2.4) of the list mbedtls_x509_string_to_names made, which holds the RDNs last to first: one
// AttributeTypeAndValue per RDN (multi-valued RDNs are refused before), as mbedTLS's own CSR writer encodes it
// (mbedtls_x509_write_names, internal in mbedTLS 3.x and so not called here).
void AppendName(std::vector<uint8_t> &out, const mbedtls_asn1_named_data *head)
{
    std::vector<const mbedtls_asn1_named_data *> rdns;
    for (const mbedtls_asn1_named_data *n = head; n != nullptr; n = n->next)
    {
        rdns.push_back(n);
    }

    std::vector<uint8_t> name;
    std::vector<uint8_t> atv;
    std::vector<uint8_t> rdn;
    for (size_t i = rdns.size(); i-- > 0;)
    {
        const mbedtls_asn1_named_data &n = *rdns[i];
        atv.clear();
        rdn.clear();
        DerAppend(atv, MBEDTLS_ASN1_OID, n.oid.p, n.oid.len);
        DerAppend(atv, (uint8_t)n.val.tag, n.val.p, n.val.len);
        DerAppend(rdn, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE, atv.data(), atv.size());
        DerAppend(name, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SET, rdn.data(), rdn.size());
    }

    DerAppend(out, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE, name.data(), name.size());
}

// CertificationRequestInfo (RFC 2986 4.1): SEQUENCE { version 0, subject, subjectPKInfo, attributes [0] }, the
// attributes already checked and in DER order.
int WriteRequestInfo(mbedtls_pk_context *key, const mbedtls_asn1_named_data *names, const std::vector<uint8_t> &attributes,
                     std::vector<uint8_t> &info)
{
    std::vector<uint8_t> body = {0x02, 0x01, 0x00};
    AppendName(body, names);
    std::vector<uint8_t> spki(1024); // RSA 4096 takes 550 bytes
    int written = mbedtls_pk_write_pubkey_der(key, spki.data(), spki.size());
    if (written <= 0)
    {
        return KeyFailed;
    }

    body.insert(body.end(), spki.end() - written, spki.end()); // written at the end of the buffer
    DerAppend(body, MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 0, attributes.data(), attributes.size());
    DerAppend(info, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE, body.data(), body.size());
    return KeyOk;
}

// CertificationRequest: SEQUENCE { info, signatureAlgorithm, signature BIT STRING }, signed with SHA-256:
// ecdsa-with-SHA256 without parameters (RFC 5758 3.2), sha256WithRSAEncryption with NULL (RFC 4055 5).
int SignRequest(mbedtls_pk_context *key, const std::vector<uint8_t> &info, RandomFunction random, void *randomState,
                std::vector<uint8_t> &request)
{
    mbedtls_pk_type_t signer = mbedtls_pk_can_do(key, MBEDTLS_PK_RSA) ? MBEDTLS_PK_RSA : MBEDTLS_PK_ECDSA;
    const char *oid = nullptr;
    size_t oidLength = 0;
    if (mbedtls_oid_get_oid_by_sig_alg(signer, MBEDTLS_MD_SHA256, &oid, &oidLength) != 0)
    {
        return KeyNotSupported;
    }

    uint8_t hash[32];
    if (KeysHash(HashSha256, info.data(), info.size(), hash, sizeof(hash)) != (int)sizeof(hash))
    {
        return KeyFailed;
    }

    std::vector<uint8_t> signature(1 + MBEDTLS_PK_SIGNATURE_MAX_SIZE, 0); // the BIT STRING: no unused bits, then it
    size_t signatureLength = 0;
    if (PkSign(key, MBEDTLS_MD_SHA256, hash, sizeof(hash), signature.data() + 1, signature.size() - 1,
               &signatureLength, random, randomState) != 0)
    {
        return KeyFailed;
    }

    std::vector<uint8_t> algorithm;
    DerAppend(algorithm, MBEDTLS_ASN1_OID, (const uint8_t *)oid, oidLength);
    if (signer == MBEDTLS_PK_RSA)
    {
        algorithm.push_back(MBEDTLS_ASN1_NULL);
        algorithm.push_back(0x00);
    }

    std::vector<uint8_t> body(info);
    DerAppend(body, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE, algorithm.data(), algorithm.size());
    DerAppend(body, MBEDTLS_ASN1_BIT_STRING, signature.data(), signatureLength + 1);
    request.clear();
    DerAppend(request, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE, body.data(), body.size());
    return KeyOk;
}

} // namespace

int CsrWrite(mbedtls_pk_context *key, const char *subject, const std::vector<uint8_t> &attributes,
             RandomFunction random, void *randomState, std::vector<uint8_t> &request)
{
    Names names;
    if (mbedtls_x509_string_to_names(&names.head, subject) != 0)
    {
        return KeyInvalidData;
    }

    std::vector<uint8_t> info;
    int status = WriteRequestInfo(key, names.head, attributes, info);
    return status != KeyOk ? status : SignRequest(key, info, random, randomState, request);
}

} // namespace nfcerts
