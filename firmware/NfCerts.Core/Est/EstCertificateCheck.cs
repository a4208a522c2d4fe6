using System;
using NfCerts.Core.Renewal;
using NfCerts.Core.X509;
using NfCerts.Hal;

namespace NfCerts.Core.Est
{
    /// <summary>
    /// The checks an issued certificate passes before anything is installed: it carries the key the device holds, names
    /// the device's subject, has not expired and does not begin too far ahead of the device's clock, and chains to the EST
    /// CA (each signature verified with the issuer's key).
    /// </summary>
    /// <remarks>Signatures are checked through <see cref="IKeyVault.VerifySignature"/> (SHA-256 with ECDSA or RSA PKCS#1
    /// v1.5); a CA signing with another hash is refused. Paths are at most <see cref="MaxDepth"/> certificates long.
    /// A NotBefore ahead of the clock by up to <see cref="ClockSlack"/> is the device's clock behind the CA's, not a fault:
    /// the certificate is taken and dates the clock (the rule is <see cref="ClockJudge"/>'s). Failures are
    /// <see cref="EstException"/> CertificateRefused, not retryable: the caller waits its longest interval before a new
    /// enrollment.</remarks>
    public static class EstCertificateCheck
    {
        /// <summary>Longest path searched from the leaf to an EST CA certificate.</summary>
        public const int MaxDepth = 4;
        /// <summary>How far after the device's clock a NotBefore may lie and the certificate still be taken:
        /// <see cref="ClockJudge.NotBeforeSlack"/> (why is stated there).</summary>
        public static readonly TimeSpan ClockSlack = ClockJudge.NotBeforeSlack;

        /// <summary>Checks <paramref name="leaf"/>; <paramref name="others"/> are the other certificates of the answer
        /// (intermediates), <paramref name="estCa"/> the /cacerts answer. A null <paramref name="subject"/> skips the
        /// subject check; <paramref name="now"/> is not used when <paramref name="checkTime"/> is false (clock not set).</summary>
        public static CertificateInfo Check(IKeyVault vault, byte[] leaf, byte[] privateKey, string? subject, byte[][] others,
            byte[][] estCa, DateTime now, bool checkTime)
        {
            CertificateInfo info;
            try
            {
                info = CertificateInfo.Parse(leaf);
            }
            catch (CertificateFormatException e)
            {
                throw Refused("the issued certificate does not parse: " + e.Message);
            }
            bool matches;
            try
            {
                matches = vault.KeyMatchesCertificate(leaf, privateKey);
            }
            catch (KeyVaultException)
            {
                matches = false;
            }
            if (!matches)
            {
                throw Refused("the issued certificate does not carry the device's public key");
            }
            if (subject != null && info.Subject.Name != subject)
            {
                throw Refused("the issued certificate is for '" + info.Subject.Name + "', not '" + subject + "'");
            }
            if (checkTime)
            {
                string validity = " (" + CertificateInfo.FormatTime(info.NotBefore) + " to " + CertificateInfo.FormatTime(info.NotAfter) + ")";
                if (info.NotAfter <= now)
                {
                    throw Refused("the issued certificate has expired by this device's clock" + validity);
                }
                string? ahead = ClockJudge.IssuedTooFarAhead(info.NotBefore, now);
                if (ahead != null)
                {
                    throw Refused("the issued certificate " + ahead + validity);
                }
            }
            if (!ChainsTo(vault, info, others, estCa, 0))
            {
                throw Refused("the issued certificate does not chain to the EST CA");
            }
            return info;
        }

        private static bool ChainsTo(IKeyVault vault, CertificateInfo child, byte[][] others, byte[][] estCa, int depth)
        {
            if (depth == MaxDepth)
            {
                return false;
            }
            for (int i = 0; i < estCa.Length; i++)
            {
                if (IssuedBy(vault, child, estCa[i]))
                {
                    return true;
                }
            }
            for (int i = 0; i < others.Length; i++)
            {
                if (IssuedBy(vault, child, others[i]))
                {
                    CertificateInfo parent = CertificateInfo.Parse(others[i]);
                    if (parent.IsCa && ChainsTo(vault, parent, others, estCa, depth + 1))
                    {
                        return true;
                    }
                }
            }
            return false;
        }

        private static bool IssuedBy(IKeyVault vault, CertificateInfo child, byte[] issuer)
        {
            CertificateInfo parent;
            try
            {
                parent = CertificateInfo.Parse(issuer);
            }
            catch (CertificateFormatException)
            {
                return false;
            }
            if (parent.Subject.Name != child.Issuer.Name)
            {
                return false;
            }
            byte[] raw = child.RawData;
            DerReader outer = new DerReader(raw).ReadSequence();
            int tbsStart;
            int tbsLength = outer.ReadEncodedElement(out tbsStart);
            outer.Skip();
            int bitsOffset;
            int bitsLength;
            int unused;
            outer.ReadBitStringContent(out bitsOffset, out bitsLength, out unused);
            byte[] tbs = new byte[tbsLength];
            Array.Copy(raw, tbsStart, tbs, 0, tbsLength);
            byte[] signature = new byte[bitsLength];
            Array.Copy(raw, bitsOffset, signature, 0, bitsLength);
            try
            {
                return vault.VerifySignature(issuer, tbs, signature);
            }
            catch (KeyVaultException)
            {
                return false;
            }
        }

        private static EstException Refused(string message)
        {
            return new EstException(EstError.CertificateRefused, 0, message, false, TimeSpan.Zero);
        }
    }
}
