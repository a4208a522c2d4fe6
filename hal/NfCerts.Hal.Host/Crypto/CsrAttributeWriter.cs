using System;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NfCerts.Hal.Host
{
    /// <summary>Puts PKCS#10 attributes given as DER (<c>Attribute</c> elements back to back) into a .NET
    /// <see cref="CertificateRequest"/>: extensionRequest as its extensions, the rest as other attributes.</summary>
    internal static class CsrAttributeWriter
    {
        private const string ExtensionRequest = "1.2.840.113549.1.9.14";

        public static void Add(CertificateRequest request, byte[] attributes)
        {
            try
            {
                var all = new AsnReader(attributes, AsnEncodingRules.DER);
                while (all.HasData)
                {
                    AsnReader attribute = all.ReadSequence();
                    string oid = attribute.ReadObjectIdentifier();
                    AsnReader values = attribute.ReadSetOf();
                    attribute.ThrowIfNotEmpty();
                    while (values.HasData)
                    {
                        ReadOnlyMemory<byte> value = values.ReadEncodedValue();
                        if (oid == ExtensionRequest)
                        {
                            AddExtensions(request, value);
                        }
                        else
                        {
                            request.OtherRequestAttributes.Add(new AsnEncodedData(oid, value.Span));
                        }
                    }
                }
            }
            catch (AsnContentException)
            {
                throw new KeyVaultException(KeyVaultError.InvalidData, "The request attributes are not DER attributes.");
            }
            catch (CryptographicException)
            {
                throw new KeyVaultException(KeyVaultError.InvalidData, "The request attributes could not be used.");
            }
        }

        private static void AddExtensions(CertificateRequest request, ReadOnlyMemory<byte> value)
        {
            AsnReader extensions = new AsnReader(value, AsnEncodingRules.DER).ReadSequence();
            while (extensions.HasData)
            {
                AsnReader extension = extensions.ReadSequence();
                string oid = extension.ReadObjectIdentifier();
                bool critical = extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && extension.ReadBoolean();
                byte[] content = extension.ReadOctetString();
                extension.ThrowIfNotEmpty();
                request.CertificateExtensions.Add(new X509Extension(oid, content, critical));
            }
        }
    }
}
