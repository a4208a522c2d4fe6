using System;
using System.Text;

namespace NfCerts.Core.Est
{
    /// <summary>Builds the attributes a CSR carries for /csrattrs (the input of
    /// <see cref="NfCerts.Hal.IKeyVault.CreateCertificateRequest(byte[], string, byte[])"/>): the DER of each
    /// <c>Attribute</c>, back to back.</summary>
    public static class CsrRequestAttributes
    {
        // 1.2.840.113549.1.9.7 and 1.2.840.113549.1.9.14
        private static readonly byte[] ChallengePassword = { 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x07 };
        private static readonly byte[] ExtensionRequest = { 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x0E };

        /// <summary>The attributes for a challenge password (UTF8String; omitted when null or empty) and the given
        /// Extension elements (an extensionRequest; omitted when none). Null when there is nothing to add.</summary>
        public static byte[]? Build(string? challengePassword, byte[][] extensions)
        {
            byte[] result = new byte[0];
            if (challengePassword != null && challengePassword.Length > 0)
            {
                byte[] value = Tlv(0x0C, Encoding.UTF8.GetBytes(challengePassword));
                result = Concat(result, Tlv(0x30, Concat(ChallengePassword, Tlv(0x31, value))));
            }
            if (extensions != null && extensions.Length > 0)
            {
                byte[] all = new byte[0];
                for (int i = 0; i < extensions.Length; i++)
                {
                    all = Concat(all, extensions[i]);
                }
                result = Concat(result, Tlv(0x30, Concat(ExtensionRequest, Tlv(0x31, Tlv(0x30, all)))));
            }
            return result.Length == 0 ? null : result;
        }

        /// <summary>One DER element with tag <paramref name="tag"/> around <paramref name="content"/>.</summary>
        internal static byte[] Tlv(int tag, byte[] content)
        {
            int n = content.Length;
            int lengthBytes = n < 0x80 ? 0 : (n < 0x100 ? 1 : (n < 0x10000 ? 2 : 3));
            byte[] element = new byte[2 + lengthBytes + n];
            element[0] = (byte)tag;
            if (lengthBytes == 0)
            {
                element[1] = (byte)n;
            }
            else
            {
                element[1] = (byte)(0x80 | lengthBytes);
                for (int i = 0; i < lengthBytes; i++)
                {
                    element[2 + i] = (byte)(n >> (8 * (lengthBytes - 1 - i)));
                }
            }
            Array.Copy(content, 0, element, 2 + lengthBytes, n);
            return element;
        }

        private static byte[] Concat(byte[] a, byte[] b)
        {
            byte[] result = new byte[a.Length + b.Length];
            Array.Copy(a, result, a.Length);
            Array.Copy(b, 0, result, a.Length, b.Length);
            return result;
        }
    }
}
