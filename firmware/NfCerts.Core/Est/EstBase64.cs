using NfCerts.Core.X509;

namespace NfCerts.Core.Est
{
    /// <summary>EST bodies are base64 (RFC 8951 2.1), with or without a Content-Transfer-Encoding header and with line
    /// breaks anywhere: decoded by the PEM reader's strict decoder, which skips blanks and line breaks.</summary>
    internal static class EstBase64
    {
        /// <summary>Decodes data[start..end); BadContent when it is not base64.</summary>
        public static byte[] Decode(byte[] data, int start, int end)
        {
            try
            {
                return Pem.DecodeBase64(data, start, end);
            }
            catch (CertificateFormatException e)
            {
                throw EstException.Content("the body is not base64: " + e.Message);
            }
        }
    }
}
