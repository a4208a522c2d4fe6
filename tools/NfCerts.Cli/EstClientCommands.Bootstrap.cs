using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Threading;
using NfCerts.Core.Certificates;
using NfCerts.Core.Est;
using NfCerts.Core.X509;
using NfCerts.Hal;
using NfCerts.Hal.Host;

namespace NfCerts.Cli
{
    internal static partial class EstClientCommands
    {
        /// <summary>
        /// RFC 7030 4.1.1 "bootstrap distribution of CA certificates": /cacerts over a TLS connection that no trust anchor
        /// authenticates, then checks that the server's TLS certificate chains to what it handed out (a second, authenticated
        /// /cacerts), prints the fingerprints for a person to compare out of band, and, when given one, insists on it.
        /// No credential is ever sent over the unauthenticated connection.
        /// </summary>
        internal static class BootstrapCaCerts
        {
            public static byte[][] Fetch(Ui ui, EstEndpoint endpoint, TimeSpan timeout, string? fingerprint)
            {
                string? wanted = fingerprint == null ? null : NormalizeFingerprint(fingerprint);
                using var clock = new SystemClock();
                byte[][] cas = Guarded(new UnauthenticatedTlsConnector(), clock, endpoint, Array.Empty<byte[]>(), timeout);
                ui.Error.WriteLine("bootstrap (RFC 7030 4.1.1): these CA certificates came over a TLS connection no trust anchor authenticated.");
                ui.Error.WriteLine("Compare a fingerprint with the CA's operator before trusting them:");
                var pinned = new System.Collections.Generic.List<byte[]>();
                foreach (byte[] der in cas)
                {
                    string sha256 = CertStore.Hex(SHA256.HashData(der));
                    if (sha256 == wanted)
                    {
                        pinned.Add(der);
                    }
                    ui.Error.WriteLine("  SHA-256 " + Colons(sha256) + "  " + CertificateInfo.Parse(der).Subject.Name);
                }
                if (wanted == null)
                {
                    // Only a consistency check (the server chains to what it handed out); a person compares the fingerprints.
                    Guarded(new HostTlsConnector(clock), clock, endpoint, cas, timeout);
                    return cas;
                }
                if (pinned.Count == 0)
                {
                    throw new CommandException("refused the bootstrap: no CA certificate of the server has the SHA-256 given with --ca-fingerprint; nothing was written");
                }
                // Only the pinned certificate authenticates the server: a man in the middle could add its own CA to the
                // unauthenticated answer beside the genuine (public) one. The set kept is what the server, so authenticated, answers.
                byte[][] authenticated = Guarded(new HostTlsConnector(clock), clock, endpoint, pinned.ToArray(), timeout);
                ui.Error.WriteLine("--ca-fingerprint matches: the server is authenticated by that CA certificate, and its CA certificates are trusted from now on.");
                return authenticated;
            }

            /// <summary>/cacerts over a connection of its own, closed after the answer.</summary>
            private static byte[][] Guarded(ITlsConnector tls, SystemClock clock, EstEndpoint endpoint, byte[][] anchors, TimeSpan timeout)
            {
                try
                {
                    using var client = new EstClient(tls, clock, endpoint, anchors) { Timeout = timeout };
                    return client.GetCaCerts();
                }
                catch (EstException e) when (e.Error == EstError.Tls && e.TlsFailure == TlsFailure.ServerCertificateNotTrusted)
                {
                    throw new CommandException("refused the bootstrap: the server's TLS certificate does not chain to the CA certificate(s) trusted for it ("
                        + e.Message + "); nothing was written");
                }
                catch (EstException e)
                {
                    throw new CommandException("bootstrap /cacerts failed: " + e.Message + "; nothing was written");
                }
            }

            /// <summary>Lower-case hex without separators; a usage error unless it is 32 bytes.</summary>
            internal static string NormalizeFingerprint(string text)
            {
                string hex = text.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
                if (hex.Length != 64 || !System.Linq.Enumerable.All(hex, Uri.IsHexDigit))
                {
                    throw new UsageException("--ca-fingerprint must be a SHA-256: 64 hex digits, colons allowed");
                }
                return hex;
            }

            internal static string Colons(string hex)
            {
                var b = new System.Text.StringBuilder();
                for (int i = 0; i < hex.Length; i += 2)
                {
                    b.Append(i == 0 ? "" : ":").Append(hex, i, 2);
                }
                return b.ToString().ToUpperInvariant();
            }
        }

        /// <summary>A TLS client connection that accepts any server certificate: only for the bootstrap's first /cacerts,
        /// which carries no credential and whose answer is then checked.</summary>
        private sealed class UnauthenticatedTlsConnector : ITlsConnector
        {
            public Stream Connect(string host, int port, byte[][] trustedRoots, byte[]? clientCertificate, byte[]? clientKey, TimeSpan timeout)
            {
                using var cancel = new CancellationTokenSource(timeout);
                var tcp = new TcpClient();
                try
                {
                    tcp.ConnectAsync(host, port, cancel.Token).AsTask().GetAwaiter().GetResult();
                    var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
                    ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                    {
                        TargetHost = host,
                        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                        RemoteCertificateValidationCallback = (_, _, _, _) => true,
                    }, cancel.Token).GetAwaiter().GetResult();
                    return ssl;
                }
                catch (OperationCanceledException)
                {
                    tcp.Dispose();
                    throw new TlsException(TlsFailure.Timeout, "no TLS connection to " + host + ":" + port + " in time");
                }
                catch (SocketException e)
                {
                    tcp.Dispose();
                    throw new TlsException(TlsFailure.ConnectFailed, "TCP connection to " + host + ":" + port + " failed: " + e.SocketErrorCode);
                }
                catch (Exception e) when (e is AuthenticationException || e is IOException)
                {
                    tcp.Dispose();
                    throw new TlsException(TlsFailure.HandshakeFailed, "the TLS handshake failed: " + e.Message);
                }
            }
        }
    }
}
