#include "nfcerts_csr_attributes.h"

#include <string.h>

#include <algorithm>

#include "nfcerts_status.h"

namespace nfcerts
{

namespace
{

const uint8_t TagBoolean = 0x01;
const uint8_t TagOctetString = 0x04;
const uint8_t TagOid = 0x06;
const uint8_t TagSequence = 0x30;
const uint8_t TagSet = 0x31;

// The contents of the OBJECT IDENTIFIERs 1.2.840.113549.1.9.7 and 1.2.840.113549.1.9.14 (PKCS#9, RFC 2985).
const uint8_t ChallengePasswordOid[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x07};
const uint8_t ExtensionRequestOid[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x0E};

// One DER element inside a checked buffer.
struct Element
{
    uint8_t tag;
    const uint8_t *start; // the tag byte
    size_t length;        // header and content
    const uint8_t *content;
    size_t contentLength;
};

// The element at the start of [p, p + len): a one-byte tag and a definite length in its shortest form, at most two
// length octets (the whole input is at most CsrAttributesMaxLength bytes).
bool Read(const uint8_t *p, size_t len, Element &e)
{
    if (len < 2 || (p[0] & 0x1F) == 0x1F)
    {
        return false;
    }

    size_t header = 2;
    size_t content = p[1];
    if (p[1] == 0x81)
    {
        header = 3;
        content = len >= 3 && p[2] >= 0x80 ? p[2] : (size_t)-1;
    }
    else if (p[1] == 0x82)
    {
        header = 4;
        content = len >= 4 && p[2] != 0 ? ((size_t)p[2] << 8) | p[3] : (size_t)-1;
    }
    else if (p[1] & 0x80)
    {
        return false; // indefinite, or more length octets than this input can need
    }

    if (content == (size_t)-1 || content > len - header)
    {
        return false;
    }

    e.tag = p[0];
    e.start = p;
    e.length = header + content;
    e.content = p + header;
    e.contentLength = content;
    return true;
}

// Splits [p, p + len) into at most max elements. False when they do not tile it exactly.
bool Split(const uint8_t *p, size_t len, std::vector<Element> &parts, size_t max)
{
    parts.clear();
    while (len > 0)
    {
        Element e;
        if (parts.size() == max || !Read(p, len, e))
        {
            return false;
        }

        parts.push_back(e);
        p += e.length;
        len -= e.length;
    }

    return true;
}

// An OBJECT IDENTIFIER: base-128 subidentifiers without leading 0x80 bytes, the last one complete.
bool IsOid(const Element &e)
{
    if (e.tag != TagOid || e.contentLength == 0)
    {
        return false;
    }

    bool startOfSubidentifier = true;
    for (size_t i = 0; i < e.contentLength; i++)
    {
        if (startOfSubidentifier && e.content[i] == 0x80)
        {
            return false;
        }

        startOfSubidentifier = (e.content[i] & 0x80) == 0;
    }

    return startOfSubidentifier;
}

bool SameContent(const Element &a, const uint8_t *content, size_t length)
{
    return a.contentLength == length && memcmp(a.content, content, length) == 0;
}

// Any value: primitive elements as they are (BOOLEAN and OBJECT IDENTIFIER checked), constructed ones made of
// well-formed elements, nested at most CsrAttributeMaxDepth deep.
bool WellFormed(const Element &e, size_t depth)
{
    if (e.tag == TagBoolean)
    {
        return e.contentLength == 1 && (e.content[0] == 0x00 || e.content[0] == 0xFF);
    }

    if (e.tag == TagOid)
    {
        return IsOid(e);
    }

    if ((e.tag & 0x20) == 0)
    {
        return true;
    }

    if (depth == CsrAttributeMaxDepth)
    {
        return false;
    }

    const uint8_t *p = e.content;
    size_t len = e.contentLength;
    while (len > 0)
    {
        Element inner;
        if (!Read(p, len, inner) || !WellFormed(inner, depth + 1))
        {
            return false;
        }

        p += inner.length;
        len -= inner.length;
    }

    return true;
}

// challengePassword's DirectoryString: UTF8String, PrintableString, TeletexString, UniversalString or BMPString.
bool IsDirectoryString(const Element &e)
{
    return (e.tag == 0x0C || e.tag == 0x13 || e.tag == 0x14 || e.tag == 0x1C || e.tag == 0x1E) && e.contentLength > 0;
}

// extensionRequest's Extensions (RFC 5280 4.1): SEQUENCE OF Extension { extnID, critical BOOLEAN DEFAULT FALSE,
// extnValue OCTET STRING holding one DER element }, at least one, no extension twice.
bool IsExtensions(const Element &value)
{
    std::vector<Element> extensions;
    if (value.tag != TagSequence || !Split(value.content, value.contentLength, extensions, CsrAttributeMaxValues) ||
        extensions.empty())
    {
        return false;
    }

    std::vector<Element> fields;
    for (size_t i = 0; i < extensions.size(); i++)
    {
        const Element &x = extensions[i];
        if (x.tag != TagSequence || !Split(x.content, x.contentLength, fields, 3) || fields.size() < 2)
        {
            return false;
        }

        const Element &extnValue = fields[fields.size() - 1];
        Element inner;
        if (!IsOid(fields[0]) || (fields.size() == 3 && !(fields[1].tag == TagBoolean && WellFormed(fields[1], 0))) ||
            extnValue.tag != TagOctetString || !Read(extnValue.content, extnValue.contentLength, inner) ||
            inner.length != extnValue.contentLength || !WellFormed(inner, 1))
        {
            return false;
        }

        extensions[i] = fields[0]; // keep only the extnID, for the duplicate check
        for (size_t j = 0; j < i; j++)
        {
            if (SameContent(extensions[j], extensions[i].content, extensions[i].contentLength))
            {
                return false;
            }
        }
    }

    return true;
}

// X.690 11.6: a SET OF's elements in ascending order of their encodings, a shorter one padded with zero octets.
bool DerLess(const Element &a, const Element &b)
{
    int c = memcmp(a.start, b.start, a.length < b.length ? a.length : b.length);
    return c != 0 ? c < 0 : a.length < b.length;
}

// Checks one Attribute and re-encodes it into out with its values in DER order; type is its OBJECT IDENTIFIER.
bool Normalize(const Element &attribute, std::vector<uint8_t> &out, Element &type)
{
    std::vector<Element> fields;
    std::vector<Element> values;
    if (attribute.tag != TagSequence || !Split(attribute.content, attribute.contentLength, fields, 2) ||
        fields.size() != 2 || !IsOid(fields[0]) || fields[1].tag != TagSet ||
        !Split(fields[1].content, fields[1].contentLength, values, CsrAttributeMaxValues) || values.empty())
    {
        return false;
    }

    for (size_t i = 0; i < values.size(); i++)
    {
        if (!WellFormed(values[i], 1))
        {
            return false;
        }
    }

    type = fields[0];
    bool challenge = SameContent(type, ChallengePasswordOid, sizeof(ChallengePasswordOid));
    bool extensions = SameContent(type, ExtensionRequestOid, sizeof(ExtensionRequestOid));
    if ((challenge || extensions) && values.size() != 1)
    {
        return false; // both are SINGLE VALUE attributes
    }

    if ((challenge && !IsDirectoryString(values[0])) || (extensions && !IsExtensions(values[0])))
    {
        return false;
    }

    std::sort(values.begin(), values.end(), DerLess);
    out.assign(attribute.start, fields[1].content); // the Attribute's header, its type and the SET's header
    for (size_t i = 0; i < values.size(); i++)
    {
        out.insert(out.end(), values[i].start, values[i].start + values[i].length);
    }

    return true;
}

} // namespace

int CsrCheckAttributes(const uint8_t *der, size_t len, std::vector<uint8_t> &out)
{
    out.clear();
    if (der == nullptr || len == 0)
    {
        return KeyOk;
    }

    if (len > CsrAttributesMaxLength)
    {
        return KeyNotSupported;
    }

    std::vector<Element> attributes;
    if (!Split(der, len, attributes, CsrAttributesMaxCount))
    {
        return KeyInvalidAttributes;
    }

    std::vector<std::vector<uint8_t> > encodings(attributes.size());
    std::vector<Element> types(attributes.size());
    std::vector<Element> sorted(attributes.size());
    for (size_t i = 0; i < attributes.size(); i++)
    {
        if (!Normalize(attributes[i], encodings[i], types[i]))
        {
            return KeyInvalidAttributes;
        }

        for (size_t j = 0; j < i; j++)
        {
            if (SameContent(types[j], types[i].content, types[i].contentLength))
            {
                return KeyInvalidAttributes; // an attribute type appears once in a request
            }
        }

        // encodings[i] is not resized after this, so the view stays valid.
        Read(encodings[i].data(), encodings[i].size(), sorted[i]);
    }

    std::sort(sorted.begin(), sorted.end(), DerLess);
    out.reserve(len);
    for (size_t i = 0; i < sorted.size(); i++)
    {
        out.insert(out.end(), sorted[i].start, sorted[i].start + sorted[i].length);
    }

    return KeyOk;
}

} // namespace nfcerts
