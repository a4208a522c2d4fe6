using System;
using System.Collections.Generic;
using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;

namespace NfCerts.Hal.Host
{
    /// <summary>Parses distinguished names written as RFC 4514 strings (<c>CN=device-001,O=Contoso</c>) into DER.</summary>
    /// <remarks>
    /// <para>RFC 4514 writes the most specific RDN first, the reverse of the DER order: <c>CN=a,O=b</c> encodes
    /// <c>O=b</c> as the first RDN. <see cref="X500DistinguishedName(string)"/> is not used because it does not
    /// understand backslash escapes, multi-valued RDNs or <c>#hex</c> values.</para>
    /// <para>Accepted: the RFC 4514 keywords (CN, L, ST, O, OU, C, STREET, DC, UID) and SERIALNUMBER, E/EMAILADDRESS,
    /// T/TITLE, GN/GIVENNAME, SN/SURNAME, POSTALCODE, DNQUALIFIER, INITIALS, PSEUDONYM, ORGANIZATIONIDENTIFIER, all
    /// case-insensitive; dotted OIDs (optionally prefixed <c>OID.</c>); <c>+</c> for multi-valued RDNs; escapes
    /// <c>\,</c> <c>\+</c> <c>\"</c> <c>\\</c> <c>\&lt;</c> <c>\&gt;</c> <c>\;</c> <c>\=</c> <c>\#</c> <c>\ </c> and
    /// <c>\XX</c> hex pairs (UTF-8); <c>#hex</c> values (a BER-encoded value, copied as is). Spaces around
    /// <c>,</c>, <c>+</c> and <c>=</c> and unescaped spaces around values are ignored, as most tools print them.</para>
    /// <para>Values are encoded as UTF8String, except C, SERIALNUMBER and DNQUALIFIER (PrintableString) and E and
    /// DC (IA5String), as X.520 and PKIX require. Empty names and empty values are rejected.</para>
    /// </remarks>
    public static class Rfc4514Name
    {
        private const string CountryOid = "2.5.4.6";

        private static readonly Dictionary<string, string> KeywordOids = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["CN"] = "2.5.4.3",
            ["SN"] = "2.5.4.4",
            ["SURNAME"] = "2.5.4.4",
            ["SERIALNUMBER"] = "2.5.4.5",
            ["C"] = CountryOid,
            ["L"] = "2.5.4.7",
            ["ST"] = "2.5.4.8",
            ["STREET"] = "2.5.4.9",
            ["O"] = "2.5.4.10",
            ["OU"] = "2.5.4.11",
            ["T"] = "2.5.4.12",
            ["TITLE"] = "2.5.4.12",
            ["POSTALCODE"] = "2.5.4.17",
            ["GN"] = "2.5.4.42",
            ["GIVENNAME"] = "2.5.4.42",
            ["INITIALS"] = "2.5.4.43",
            ["DNQUALIFIER"] = "2.5.4.46",
            ["PSEUDONYM"] = "2.5.4.65",
            ["ORGANIZATIONIDENTIFIER"] = "2.5.4.97",
            ["DC"] = "0.9.2342.19200300.100.1.25",
            ["UID"] = "0.9.2342.19200300.100.1.1",
            ["E"] = "1.2.840.113549.1.9.1",
            ["EMAILADDRESS"] = "1.2.840.113549.1.9.1",
        };

        private static readonly HashSet<string> PrintableOids = new HashSet<string> { CountryOid, "2.5.4.5", "2.5.4.46" };

        private static readonly HashSet<string> Ia5Oids = new HashSet<string> { "1.2.840.113549.1.9.1", "0.9.2342.19200300.100.1.25" };

        private static readonly Regex NumericOid = new Regex(@"^[0-2](\.(0|[1-9][0-9]*))+$", RegexOptions.CultureInvariant);

        private static readonly Regex Keyword = new Regex(@"^[A-Za-z][A-Za-z0-9-]*$", RegexOptions.CultureInvariant);

        /// <summary>Parses <paramref name="text"/> and returns the DER-encoded name.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
        /// <exception cref="FormatException">The text is not a distinguished name this parser accepts; the message says where.</exception>
        public static X500DistinguishedName Parse(string text)
        {
            ArgumentNullException.ThrowIfNull(text);
            var parser = new Parser(text);
            List<List<Attribute>> rdns = parser.ParseName();

            var writer = new AsnWriter(AsnEncodingRules.DER);
            using (writer.PushSequence())
            {
                for (int i = rdns.Count - 1; i >= 0; i--)
                {
                    using (writer.PushSetOf())
                    {
                        foreach (Attribute attribute in rdns[i])
                        {
                            using (writer.PushSequence())
                            {
                                writer.WriteObjectIdentifier(attribute.Oid);
                                writer.WriteEncodedValue(attribute.EncodedValue);
                            }
                        }
                    }
                }
            }

            return new X500DistinguishedName(writer.Encode());
        }

        private static byte[] EncodeString(string oid, string keyword, string value)
        {
            var writer = new AsnWriter(AsnEncodingRules.DER);
            if (PrintableOids.Contains(oid))
            {
                foreach (char c in value)
                {
                    if (!IsPrintableStringChar(c))
                    {
                        throw new FormatException($"The value of {keyword} may contain only PrintableString characters (A-Z a-z 0-9 space '()+,-./:=?).");
                    }
                }

                if (oid == CountryOid && value.Length != 2)
                {
                    throw new FormatException("The value of C must be a two-letter country code.");
                }

                writer.WriteCharacterString(UniversalTagNumber.PrintableString, value);
            }
            else if (Ia5Oids.Contains(oid))
            {
                foreach (char c in value)
                {
                    if (c > 0x7F)
                    {
                        throw new FormatException($"The value of {keyword} may contain only ASCII characters.");
                    }
                }

                writer.WriteCharacterString(UniversalTagNumber.IA5String, value);
            }
            else
            {
                writer.WriteCharacterString(UniversalTagNumber.UTF8String, value);
            }

            return writer.Encode();
        }

        private static bool IsPrintableStringChar(char c)
        {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || " '()+,-./:=?".IndexOf(c) >= 0;
        }

        private readonly record struct Attribute(string Oid, byte[] EncodedValue);

        private sealed class Parser
        {
            private readonly string _text;
            private int _pos;

            public Parser(string text)
            {
                _text = text;
            }

            public List<List<Attribute>> ParseName()
            {
                var rdns = new List<List<Attribute>>();
                SkipSpaces();
                if (AtEnd)
                {
                    throw new FormatException("The distinguished name is empty.");
                }

                var rdn = new List<Attribute>();
                while (true)
                {
                    rdn.Add(ParseAttribute());
                    SkipSpaces();
                    if (AtEnd)
                    {
                        rdns.Add(rdn);
                        return rdns;
                    }

                    char separator = _text[_pos++];
                    if (separator == ',')
                    {
                        rdns.Add(rdn);
                        rdn = new List<Attribute>();
                    }
                    else if (separator != '+')
                    {
                        throw Error($"expected ',' or '+' but found '{separator}'", _pos - 1);
                    }
                }
            }

            private bool AtEnd => _pos >= _text.Length;

            private void SkipSpaces()
            {
                while (!AtEnd && _text[_pos] == ' ')
                {
                    _pos++;
                }
            }

            private Attribute ParseAttribute()
            {
                SkipSpaces();
                int typeStart = _pos;
                while (!AtEnd && _text[_pos] != '=' && _text[_pos] != ',' && _text[_pos] != '+')
                {
                    _pos++;
                }

                string type = _text.Substring(typeStart, _pos - typeStart).Trim(' ');
                if (AtEnd || _text[_pos] != '=')
                {
                    throw Error($"expected '=' after the attribute type '{type}'", _pos);
                }

                string oid = ResolveType(type, typeStart);
                _pos++;
                SkipSpaces();

                byte[] encoded = !AtEnd && _text[_pos] == '#' ? ParseHexValue(type) : EncodeString(oid, type, ParseStringValue(type));
                return new Attribute(oid, encoded);
            }

            private string ResolveType(string type, int at)
            {
                if (KeywordOids.TryGetValue(type, out string? oid))
                {
                    return oid;
                }

                string candidate = type.StartsWith("OID.", StringComparison.OrdinalIgnoreCase) ? type.Substring(4) : type;
                if (NumericOid.IsMatch(candidate))
                {
                    return candidate;
                }

                if (Keyword.IsMatch(type))
                {
                    throw Error($"unknown attribute type '{type}' (use its dotted OID)", at);
                }

                throw Error($"invalid attribute type '{type}'", at);
            }

            private byte[] ParseHexValue(string type)
            {
                int start = ++_pos;
                while (!AtEnd && _text[_pos] != ',' && _text[_pos] != '+' && _text[_pos] != ' ')
                {
                    _pos++;
                }

                string hex = _text.Substring(start, _pos - start);
                byte[] encoded;
                try
                {
                    encoded = Convert.FromHexString(hex);
                }
                catch (FormatException)
                {
                    throw Error($"the #hex value of {type} is not an even number of hex digits", start);
                }

                try
                {
                    var reader = new AsnReader(encoded, AsnEncodingRules.BER);
                    reader.ReadEncodedValue();
                    if (encoded.Length == 0 || reader.HasData)
                    {
                        throw Error($"the #hex value of {type} must be exactly one BER-encoded value", start);
                    }
                }
                catch (AsnContentException)
                {
                    throw Error($"the #hex value of {type} is not BER", start);
                }

                return encoded;
            }

            private string ParseStringValue(string type)
            {
                int start = _pos;
                var bytes = new List<byte>();
                int significant = 0; // bytes up to the last character that is not an unescaped space
                Span<byte> utf8 = stackalloc byte[4];
                while (!AtEnd)
                {
                    char c = _text[_pos];
                    if (c == ',' || c == '+')
                    {
                        break;
                    }

                    if (c == '\\')
                    {
                        ParseEscape(bytes);
                        significant = bytes.Count;
                        continue;
                    }

                    if (c == '"' || c == ';' || c == '<' || c == '>' || c == '\0')
                    {
                        throw Error($"'{(c == '\0' ? "NUL" : c.ToString())}' must be escaped with a backslash", _pos);
                    }

                    if (System.Text.Rune.DecodeFromUtf16(_text.AsSpan(_pos), out System.Text.Rune rune, out int consumed) != System.Buffers.OperationStatus.Done)
                    {
                        throw Error("the text contains an unpaired surrogate", _pos);
                    }

                    int written = rune.EncodeToUtf8(utf8);
                    for (int i = 0; i < written; i++)
                    {
                        bytes.Add(utf8[i]);
                    }

                    if (c != ' ')
                    {
                        significant = bytes.Count;
                    }

                    _pos += consumed;
                }

                if (significant == 0)
                {
                    throw Error($"the value of {type} is empty", start);
                }

                try
                {
                    return new UTF8Encoding(false, true).GetString(bytes.ToArray(), 0, significant);
                }
                catch (DecoderFallbackException)
                {
                    throw Error($"the escaped bytes in the value of {type} are not UTF-8", start);
                }
            }

            private void ParseEscape(List<byte> bytes)
            {
                int at = _pos++;
                if (AtEnd)
                {
                    throw Error("a backslash at the end", at);
                }

                char next = _text[_pos];
                if ("\"+,;<>\\ #=".IndexOf(next) >= 0)
                {
                    bytes.Add((byte)next);
                    _pos++;
                    return;
                }

                if (_pos + 1 < _text.Length && Uri.IsHexDigit(next) && Uri.IsHexDigit(_text[_pos + 1]))
                {
                    bytes.Add(Convert.ToByte(_text.Substring(_pos, 2), 16));
                    _pos += 2;
                    return;
                }

                throw Error($"'\\{next}' is not a valid escape", at);
            }

            private FormatException Error(string what, int at)
            {
                return new FormatException($"Invalid distinguished name at position {at}: {what}.");
            }
        }
    }
}
