using System.Text;
using NfCerts.Core.Certificates;
using NfCerts.Core.X509;

namespace NfCerts.Core.Hub
{
    /// <summary>Reads a PEM text that must hold exactly one certificate and nothing else (no second certificate, no key).</summary>
    internal static class SinglePem
    {
        /// <summary>The certificate's DER and its parsed form; <paramref name="what"/> names it in the reason.</summary>
        /// <exception cref="HubInputException">Not exactly one well-formed certificate of at most 8 KiB.</exception>
        public static byte[] Read(string pem, string what, out CertificateInfo info)
        {
            if (pem.Length > CertStore.MaxCertificateSize * 3 / 2 + 200)
            {
                throw new HubInputException(what + " is " + pem.Length.ToString() + " characters: too long for a certificate of at most " + CertStore.MaxCertificateSize.ToString() + " bytes");
            }
            byte[] bytes = Encoding.UTF8.GetBytes(pem);
            PemBlock[] blocks;
            try
            {
                blocks = Pem.DecodeAll(bytes);
            }
            catch (CertificateFormatException e)
            {
                throw new HubInputException(what + " is not valid PEM: " + e.Message);
            }
            if (blocks.Length != 1)
            {
                throw new HubInputException(what + " must be one PEM certificate; it has " + blocks.Length.ToString() + " PEM blocks");
            }
            if (blocks[0].Label != Pem.CertificateLabel)
            {
                // The label only: a private key pasted by mistake must not be echoed.
                throw new HubInputException(what + " must be a PEM CERTIFICATE, not " + blocks[0].Label);
            }
            byte[] der = blocks[0].Data;
            try
            {
                der = CertStore.DecodeCertificate(der);
                info = CertificateInfo.Parse(der);
            }
            catch (CertStoreException e)
            {
                throw new HubInputException(what + ": " + e.Message);
            }
            catch (CertificateFormatException e)
            {
                throw new HubInputException(what + " is not a valid certificate: " + e.Message);
            }
            return der;
        }
    }
}
