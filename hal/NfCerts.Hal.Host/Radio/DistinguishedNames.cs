using System;
using System.Collections.Generic;
using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace NfCerts.Hal.Host
{
    /// <summary>
    /// Formats distinguished names the way <c>openssl x509 -nameopt RFC2253</c> prints them: most specific RDN first,
    /// comma-separated without spaces, OpenSSL's short attribute names, RFC 4514 escaping (<c>CN=radius,O=Acme\, Inc,C=DE</c>).
    /// Both authenticators report <see cref="WifiConnectResult.CertSubject"/> in this form, so the same certificate gives
    /// the same string whichever of them judged it.
    /// </summary>
    public static class DistinguishedNames
    {
        private static readonly Dictionary<string, string> ShortNames = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["2.5.4.3"] = "CN",
            ["2.5.4.4"] = "SN",
            ["2.5.4.5"] = "serialNumber",
            ["2.5.4.6"] = "C",
            ["2.5.4.7"] = "L",
            ["2.5.4.8"] = "ST",
            ["2.5.4.9"] = "street",
            ["2.5.4.10"] = "O",
            ["2.5.4.11"] = "OU",
            ["2.5.4.12"] = "title",
            ["2.5.4.42"] = "GN",
            ["2.5.4.97"] = "organizationIdentifier",
            ["0.9.2342.19200300.100.1.1"] = "UID",
            ["0.9.2342.19200300.100.1.25"] = "DC",
            ["1.2.840.113549.1.9.1"] = "emailAddress",
        };

        /// <summary>The subject of <paramref name="certificate"/> in RFC 2253 order and style.</summary>
        public static string Subject(X509Certificate2 certificate)
        {
            ArgumentNullException.ThrowIfNull(certificate);
            return Format(certificate.SubjectName);
        }

        /// <summary>Formats <paramref name="name"/> in RFC 2253 order and style. Values that are not strings are written as <c>#</c> and the DER in hex.</summary>
        public static string Format(X500DistinguishedName name)
        {
            ArgumentNullException.ThrowIfNull(name);
            var rdns = new List<string>();
            try
            {
                var seq = new AsnReader(name.RawData, AsnEncodingRules.DER).ReadSequence();
                while (seq.HasData)
                {
                    var set = seq.ReadSetOf();
                    var parts = new List<string>();
                    while (set.HasData)
                    {
                        var atav = set.ReadSequence();
                        var oid = atav.ReadObjectIdentifier();
                        var key = ShortNames.TryGetValue(oid, out var shortName) ? shortName : oid;
                        parts.Add(key + "=" + FormatValue(atav));
                    }
                    rdns.Add(string.Join("+", parts));
                }
            }
            catch (AsnContentException)
            {
                // Not reachable for a name .NET parsed already; fall back to its own rendering rather than fail a diagnostic.
                return name.Name;
            }
            rdns.Reverse();
            return string.Join(",", rdns);
        }

        /// <summary>
        /// Converts OpenSSL's one-line form (<c>/C=DE/O=Acme, Inc/CN=radius</c>, as printed by wpa_supplicant and
        /// eapol_test) to the RFC 2253 form of <see cref="Format"/>. A '/' inside a value is kept when what follows it does
        /// not look like <c>name=</c>.
        /// </summary>
        public static string FromOpenSslOneLine(string oneLine)
        {
            ArgumentNullException.ThrowIfNull(oneLine);
            if (!oneLine.StartsWith('/'))
            {
                return oneLine;
            }
            var attributes = new List<string>();
            int start = 1;
            for (int i = 1; i <= oneLine.Length; i++)
            {
                if (i == oneLine.Length || (oneLine[i] == '/' && StartsAttribute(oneLine, i + 1)))
                {
                    var attribute = oneLine.Substring(start, i - start);
                    int eq = attribute.IndexOf('=');
                    attributes.Add(eq < 0 ? attribute : attribute.Substring(0, eq + 1) + Escape(attribute.Substring(eq + 1)));
                    start = i + 1;
                }
            }
            attributes.Reverse();
            return string.Join(",", attributes);
        }

        /// <summary>Escapes an attribute value as RFC 4514 requires.</summary>
        public static string Escape(string value)
        {
            ArgumentNullException.ThrowIfNull(value);
            var sb = new StringBuilder(value.Length + 4);
            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                bool special = c == ',' || c == '+' || c == '"' || c == '\\' || c == '<' || c == '>' || c == ';'
                    || (i == 0 && (c == '#' || c == ' '))
                    || (i == value.Length - 1 && c == ' ');
                if (c == '\0')
                {
                    sb.Append("\\00");
                    continue;
                }
                if (special)
                {
                    sb.Append('\\');
                }
                sb.Append(c);
            }
            return sb.ToString();
        }

        private static bool StartsAttribute(string s, int index)
        {
            int i = index;
            while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] == '.' || s[i] == '-'))
            {
                i++;
            }
            return i > index && i < s.Length && s[i] == '=' && char.IsAsciiLetterOrDigit(s[index]);
        }

        private static string FormatValue(AsnReader atav)
        {
            var tag = atav.PeekTag();
            if (tag.TagClass == TagClass.Universal)
            {
                switch ((UniversalTagNumber)tag.TagValue)
                {
                    case UniversalTagNumber.UTF8String:
                    case UniversalTagNumber.PrintableString:
                    case UniversalTagNumber.IA5String:
                    case UniversalTagNumber.T61String:
                    case UniversalTagNumber.BMPString:
                    case UniversalTagNumber.UniversalString:
                    case UniversalTagNumber.NumericString:
                    case UniversalTagNumber.VisibleString:
                        return Escape(atav.ReadCharacterString((UniversalTagNumber)tag.TagValue));
                }
            }
            return "#" + Convert.ToHexString(atav.ReadEncodedValue().Span);
        }
    }
}
