using System;
using System.Collections;
using System.Text;
using NfCerts.Core.Certificates;
using NfCerts.Core.Storage;
using NfCerts.Hal;

namespace NfCerts.Core.Est
{
    /// <summary>
    /// How the device reaches its EST server, kept in the store as one value (<see cref="LogKey"/>) so that a change is
    /// atomic. Plain data with defaults; <see cref="Validate"/> says what is wrong.
    /// </summary>
    /// <remarks>
    /// <para>Encoding: UTF-8 lines <c>name=value</c> ending in LF, at most <see cref="MaxEncodedSize"/> bytes; names are
    /// those of the fields in lower case; unknown names are kept out (ignored) so an older image reads newer settings.
    /// Values may not contain a line break. <c>trust</c> is a comma-separated list of store IDs; <c>key</c> is <c>ec</c>
    /// or <c>rsa</c>; booleans are <c>1</c>/<c>0</c>.</para>
    /// <para>The Basic password lies in the store like the Wi-Fi passphrases: in clear (it is a bootstrap secret that the
    /// server should accept only until the device holds a certificate).</para>
    /// </remarks>
    public sealed class EstSettings
    {
        /// <summary>The store key of the settings.</summary>
        public const string LogKey = "Eest";
        /// <summary>The largest encoded settings accepted.</summary>
        public const int MaxEncodedSize = 2048;

        /// <summary>The server, <c>https://host[:port][/path]</c>.</summary>
        public string Url = "";
        /// <summary>The optional label (<c>/.well-known/est/LABEL</c>), or "".</summary>
        public string Label = "";
        /// <summary>Store ID of the long-lived bootstrap certificate, or "" for none.</summary>
        public string BootstrapCertificateId = "";
        /// <summary>HTTP Basic user, or "" for none.</summary>
        public string User = "";
        /// <summary>HTTP Basic password.</summary>
        public string Password = "";
        /// <summary>challengePassword for CSRs when /csrattrs asks for one; "" means the Basic password.</summary>
        public string ChallengePassword = "";
        /// <summary>Store IDs of the root CAs that authenticate the EST server (the explicit trust anchors).</summary>
        public string[] TrustAnchorIds = new string[0];
        /// <summary>Key pairs generated for new certificates (ECDSA P-256 by default).</summary>
        public KeyAlgorithm KeyAlgorithm = KeyAlgorithm.EcP256;
        /// <summary>A new key pair with every certificate (<c>rotate_key</c>); false re-enrolls with the current key.</summary>
        public bool RotateKey = true;
        /// <summary>Let the server generate the key (/serverkeygen), for devices without key generation.</summary>
        public bool ServerKeyGeneration;
        /// <summary>The device's subject (RFC 4514, as openssl prints it); "" takes the current or bootstrap certificate's.</summary>
        public string Subject = "";

        /// <summary>What is wrong with the settings, or null when they are usable.</summary>
        public string? Validate()
        {
            try
            {
                EstEndpoint.Parse(Url, Label);
            }
            catch (EstException e)
            {
                return e.Message;
            }
            if (BootstrapCertificateId.Length > 0 && !CertStore.IsValidIdentifier(BootstrapCertificateId))
            {
                return "the bootstrap certificate ID is not a store ID";
            }
            if (TrustAnchorIds.Length == 0)
            {
                return "no EST trust anchor is named";
            }
            for (int i = 0; i < TrustAnchorIds.Length; i++)
            {
                if (!CertStore.IsValidIdentifier(TrustAnchorIds[i]))
                {
                    return "trust anchor '" + TrustAnchorIds[i] + "' is not a store ID";
                }
            }
            if (KeyAlgorithm != KeyAlgorithm.EcP256 && KeyAlgorithm != KeyAlgorithm.Rsa2048)
            {
                return "the key algorithm is neither ECDSA P-256 nor RSA 2048";
            }
            return null;
        }

        /// <summary>The settings as stored.</summary>
        public byte[] Encode()
        {
            var b = new StringBuilder();
            Line(b, "url", Url);
            Line(b, "label", Label);
            Line(b, "bootstrap", BootstrapCertificateId);
            Line(b, "user", User);
            Line(b, "password", Password);
            Line(b, "challenge", ChallengePassword);
            var trust = new StringBuilder();
            for (int i = 0; i < TrustAnchorIds.Length; i++)
            {
                trust.Append(i == 0 ? "" : ",").Append(TrustAnchorIds[i]);
            }
            Line(b, "trust", trust.ToString());
            Line(b, "key", KeyAlgorithm == KeyAlgorithm.Rsa2048 ? "rsa" : "ec");
            Line(b, "rotate", RotateKey ? "1" : "0");
            Line(b, "serverkeygen", ServerKeyGeneration ? "1" : "0");
            Line(b, "subject", Subject);
            byte[] bytes = Encoding.UTF8.GetBytes(b.ToString());
            if (bytes.Length > MaxEncodedSize)
            {
                throw new ArgumentException("the EST settings exceed " + MaxEncodedSize.ToString() + " bytes");
            }
            return bytes;
        }

        /// <summary>Reads settings written by <see cref="Encode"/>. Throws <see cref="EstException"/> Configuration when they
        /// are oversize or malformed.</summary>
        public static EstSettings Decode(byte[] data)
        {
            if (data.Length > MaxEncodedSize)
            {
                throw Bad("the stored EST settings exceed " + MaxEncodedSize.ToString() + " bytes");
            }
            var s = new EstSettings();
            string[] lines = Encoding.UTF8.GetString(data, 0, data.Length).Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i];
                if (line.Length == 0)
                {
                    continue;
                }
                int equals = line.IndexOf('=');
                if (equals <= 0)
                {
                    throw Bad("a stored EST settings line has no name");
                }
                s.Set(line.Substring(0, equals), line.Substring(equals + 1));
            }
            return s;
        }

        /// <summary>The settings in <paramref name="log"/>, or null when there are none.</summary>
        public static EstSettings? Load(RecordLog log)
        {
            byte[] data;
            return log.TryGet(LogKey, out data) ? Decode(data) : null;
        }

        /// <summary>Writes the settings to <paramref name="log"/> in one atomic commit, after <see cref="Validate"/>.</summary>
        public void Save(RecordLog log)
        {
            string? problem = Validate();
            if (problem != null)
            {
                throw Bad(problem);
            }
            LogTransaction t = log.Begin();
            t.Put(LogKey, Encode());
            t.Commit();
        }

        private void Set(string name, string value)
        {
            switch (name)
            {
                case "url": Url = value; break;
                case "label": Label = value; break;
                case "bootstrap": BootstrapCertificateId = value; break;
                case "user": User = value; break;
                case "password": Password = value; break;
                case "challenge": ChallengePassword = value; break;
                case "trust": TrustAnchorIds = SplitIds(value); break;
                case "key": KeyAlgorithm = value == "rsa" ? KeyAlgorithm.Rsa2048 : KeyAlgorithm.EcP256; break;
                case "rotate": RotateKey = value != "0"; break;
                case "serverkeygen": ServerKeyGeneration = value == "1"; break;
                case "subject": Subject = value; break;
                default: break;
            }
        }

        private static string[] SplitIds(string value)
        {
            var ids = new ArrayList();
            string[] parts = value.Split(',');
            for (int i = 0; i < parts.Length; i++)
            {
                if (parts[i].Trim().Length > 0)
                {
                    ids.Add(parts[i].Trim());
                }
            }
            return (string[])ids.ToArray(typeof(string));
        }

        private static void Line(StringBuilder b, string name, string value)
        {
            if (value.IndexOf('\n') >= 0 || value.IndexOf('\r') >= 0)
            {
                throw new ArgumentException("the EST setting '" + name + "' holds a line break");
            }
            b.Append(name).Append('=').Append(value).Append('\n');
        }

        private static EstException Bad(string message)
        {
            return new EstException(EstError.Configuration, 0, message, false, TimeSpan.Zero);
        }
    }
}
