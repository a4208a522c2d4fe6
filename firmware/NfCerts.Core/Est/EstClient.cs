using System;
using System.IO;
using System.Text;
using NfCerts.Core.X509;
using NfCerts.Hal;

namespace NfCerts.Core.Est
{
    /// <summary>
    /// An EST client (RFC 7030 as updated by RFC 8951) speaking a small, strict HTTP/1.1 over <see cref="ITlsConnector"/>:
    /// the requests of one conversation (/cacerts, /csrattrs, the enrollment) on one persistent connection, one request at
    /// a time, bodies base64, answers read by <see cref="HttpResponseReader"/> within <see cref="Timeout"/> and
    /// <see cref="MaxBodySize"/>. <see cref="Close"/> (or <see cref="Dispose"/>) ends the connection.
    /// </summary>
    /// <remarks>
    /// <para>Authentication: the TLS client certificate when <see cref="ClientCertificate"/> and <see cref="ClientKey"/>
    /// are set; HTTP Basic only in answer to a 401, once, when <see cref="User"/> is set (credentials are never sent
    /// before the server asks, and never twice).</para>
    /// <para>Answers: 200 with the operation's content type (checked); 202 is <see cref="EstError.Deferred"/> with the
    /// Retry-After delay; 3xx is refused (no redirect is followed, so none can lead to another host); other 4xx are not
    /// retryable; 5xx are retryable, with Retry-After when the server gives one (503 rate limiting). Base64 bodies are
    /// decoded whether or not a Content-Transfer-Encoding header is present, line breaks allowed.</para>
    /// <para>Connection rule (RFC 9112 9.3, RFC 9110 9.2.2): a connection is kept only after an answer that allows it
    /// (<see cref="HttpResponseReader.Reusable"/>: HTTP/1.1, no <c>Connection: close</c>, a framed body); the next request
    /// is written only once the whole previous answer is read (no pipelining). An enrollment that no 401 can follow says
    /// <c>Connection: close</c>: it is the conversation's last request. A request that fails on a kept connection before
    /// any byte of its answer arrived (the server closed the idle connection) is sent again, once, on a new connection,
    /// when it is a GET (idempotent) or when the failure came while it was being written (the server never had the whole
    /// request, whose body is framed by Content-Length, so it cannot have acted on it). A POST written whole whose
    /// connection then dies is never sent again by the client: it fails as <see cref="EstError.ConnectionLost"/>
    /// (retryable), and the caller decides. So that this rarely happens, a POST goes on a kept connection only when the
    /// server has already answered a second request on it (proof that it keeps connections at all: a server that closes
    /// after every answer without saying so costs a handshake per request, never a failed POST) and it has been idle less
    /// than <see cref="MaxIdleBeforePost"/> (the board may spend seconds making a key in between).</para>
    /// <para>RAM: one <see cref="HttpResponseReader"/> (2.5 KiB of buffers) per client, reused by every answer and
    /// connection; the TLS stream's own buffers while a connection is open.</para>
    /// </remarks>
    public sealed class EstClient : IDisposable
    {
        /// <summary>The largest body read, in bytes.</summary>
        public const int MaxBodySize = 32 * 1024;

        private readonly ITlsConnector _tls;
        private readonly IClock _clock;
        private readonly EstEndpoint _endpoint;
        private readonly byte[][] _trustAnchors;
        private Stream? _stream;
        private HttpResponseReader? _reader;
        private TimeSpan _idleSince;
        private int _answered;
        private bool _requestWritten;

        /// <summary>Creates a client of <paramref name="endpoint"/> whose TLS server must chain to one of
        /// <paramref name="trustAnchors"/> (DER each; the explicit EST trust anchors).</summary>
        public EstClient(ITlsConnector tls, IClock clock, EstEndpoint endpoint, byte[][] trustAnchors)
        {
            if (tls == null || clock == null || endpoint == null || trustAnchors == null)
            {
                throw new ArgumentNullException(tls == null ? "tls" : (clock == null ? "clock" : (endpoint == null ? "endpoint" : "trustAnchors")));
            }
            _tls = tls;
            _clock = clock;
            _endpoint = endpoint;
            _trustAnchors = trustAnchors;
            Timeout = TimeSpan.FromTicks(30 * TimeSpan.TicksPerSecond);
        }

        /// <summary>How long one exchange (connect, handshake, request and whole answer) may take. Default 30 s.</summary>
        public TimeSpan Timeout;
        /// <summary>The HTTP Basic user, or null for none.</summary>
        public string? User;
        /// <summary>The HTTP Basic password (never logged).</summary>
        public string? Password;
        /// <summary>The TLS client certificate chain (leaf DER, then intermediates), or null.</summary>
        public byte[]? ClientCertificate;
        /// <summary>The TLS client key, DER (never logged), or null.</summary>
        public byte[]? ClientKey;
        /// <summary>A POST is sent on the kept connection only when it has been idle less than this; else on a new one (a
        /// server may close an idle connection at any time; Apache's default is after 5 s). Default 4 s.</summary>
        public TimeSpan MaxIdleBeforePost = TimeSpan.FromTicks(4 * TimeSpan.TicksPerSecond);

        /// <summary>How many TLS connections this client has opened (each one a handshake).</summary>
        public int Connections { get; private set; }

        /// <summary>Closes the kept connection, if any; the next request opens a new one.</summary>
        public void Close()
        {
            Stream? stream = _stream;
            _stream = null;
            if (stream != null)
            {
                try
                {
                    stream.Close();
                }
                catch (IOException)
                {
                    // already broken: nothing to flush
                }
            }
        }

        /// <summary>Same as <see cref="Close"/>.</summary>
        public void Dispose()
        {
            Close();
        }

        /// <summary>GET /cacerts: the EST CA certificates (RFC 7030 4.1).</summary>
        public byte[][] GetCaCerts()
        {
            HttpResponse r = Exchange("GET", "cacerts", null, null);
            ExpectType(r, "application/pkcs7-mime", false);
            return Pkcs7Certs.Read(DecodeBase64(r.Body));
        }

        /// <summary>GET /csrattrs (RFC 7030 4.5); a server with nothing to ask answers 204 or 404: <see cref="CsrAttributes.None"/>.</summary>
        public CsrAttributes GetCsrAttributes()
        {
            HttpResponse r = Exchange("GET", "csrattrs", null, null, true);
            if (r.Status == 204 || r.Status == 404 || r.Body.Length == 0)
            {
                return CsrAttributes.None;
            }
            ExpectType(r, "application/csrattrs", false);
            return CsrAttributes.Parse(DecodeBase64(r.Body));
        }

        /// <summary>POST /simpleenroll with a PKCS#10 request (DER): the issued certificate first, then any others.</summary>
        public byte[][] SimpleEnroll(byte[] csr)
        {
            return Enroll("simpleenroll", csr);
        }

        /// <summary>POST /simplereenroll with a PKCS#10 request (DER), authenticated by the current certificate.</summary>
        public byte[][] SimpleReenroll(byte[] csr)
        {
            return Enroll("simplereenroll", csr);
        }

        /// <summary>POST /serverkeygen (RFC 7030 4.4): the server generates the key; the answer is multipart/mixed with an
        /// application/pkcs8 part and an application/pkcs7-mime certs-only part.</summary>
        public ServerKeyGenResult ServerKeyGen(byte[] csr)
        {
            HttpResponse r = Exchange("POST", "serverkeygen", csr, "application/pkcs10");
            string type = r.GetHeader("Content-Type") ?? "";
            MultipartPart[] parts = MultipartReader.Read(r.Body, type);
            byte[]? key = null;
            byte[][]? certificates = null;
            for (int i = 0; i < parts.Length; i++)
            {
                string media = MultipartReader.MediaType(parts[i].ContentType);
                byte[] decoded = EstBase64.Decode(r.Body, parts[i].Offset, parts[i].Offset + parts[i].Length);
                if (media == "application/pkcs8" && key == null)
                {
                    key = decoded;
                }
                else if (media == "application/pkcs7-mime" && certificates == null)
                {
                    CheckSmimeType(parts[i].ContentType);
                    certificates = Pkcs7Certs.Read(decoded);
                }
                else
                {
                    throw EstException.Content("the serverkeygen answer has an unexpected part: " + Short(media));
                }
            }
            if (key == null || certificates == null)
            {
                throw EstException.Content("the serverkeygen answer lacks its key part or its certificate part (an encrypted key is not supported)");
            }
            return new ServerKeyGenResult(certificates, key);
        }

        private byte[][] Enroll(string operation, byte[] csr)
        {
            HttpResponse r = Exchange("POST", operation, csr, "application/pkcs10");
            ExpectType(r, "application/pkcs7-mime", true);
            return Pkcs7Certs.Read(DecodeBase64(r.Body));
        }

        private HttpResponse Exchange(string method, string operation, byte[]? body, string? contentType)
        {
            return Exchange(method, operation, body, contentType, false);
        }

        private HttpResponse Exchange(string method, string operation, byte[]? body, string? contentType, bool notFoundIsAnswer)
        {
            byte[]? payload = body == null ? null : Encoding.UTF8.GetBytes(Convert.ToBase64String(body));
            // An enrollment is the conversation's last request unless a 401 may call for Basic credentials.
            bool post = payload != null;
            HttpResponse r = Send(method, operation, payload, contentType, null, post && User == null);
            if (r.Status == 401 && User != null)
            {
                string credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes(User + ":" + (Password ?? "")));
                r = Send(method, operation, payload, contentType, "Basic " + credentials, post);
            }
            if (r.Status == 200 || (r.Status == 204 && method == "GET") || (notFoundIsAnswer && r.Status == 404))
            {
                return r;
            }
            throw StatusError(r, operation);
        }

        private HttpResponse Send(string method, string operation, byte[]? payload, string? contentType, string? authorization, bool last)
        {
            TimeSpan started = _clock.Uptime;
            if (_stream != null && payload != null && (_answered < 2 || _clock.Uptime - _idleSince >= MaxIdleBeforePost))
            {
                Close();
            }
            bool reused = _stream != null;
            try
            {
                return Transmit(method, operation, payload, contentType, authorization, last, started);
            }
            catch (EstException e)
            {
                bool beforeAnswer = e.Error == EstError.ConnectionLost && !_reader!.ReceivedAny;
                if (!reused || !beforeAnswer || (method != "GET" && _requestWritten))
                {
                    throw;
                }
                // The server had closed the kept connection: once more, on a new one (see the connection rule).
                return Transmit(method, operation, payload, contentType, authorization, last, started);
            }
        }

        // One request and its answer, on the kept connection or a new one; the connection is closed after any failure and
        // after an answer that does not leave it reusable.
        private HttpResponse Transmit(string method, string operation, byte[]? payload, string? contentType, string? authorization,
            bool last, TimeSpan started)
        {
            _requestWritten = false;
            Stream stream = _stream ?? Open(started);
            if (_reader == null)
            {
                _reader = new HttpResponseReader(stream, _clock, Left(started), MaxBodySize);
            }
            bool keep = false;
            try
            {
                var head = new StringBuilder();
                head.Append(method).Append(' ').Append(_endpoint.PathOf(operation)).Append(" HTTP/1.1\r\n");
                head.Append("Host: ").Append(_endpoint.Host).Append(':').Append(_endpoint.Port.ToString()).Append("\r\n");
                head.Append("User-Agent: nfcerts-est/1\r\nAccept: */*\r\n");
                if (last)
                {
                    head.Append("Connection: close\r\n");
                }
                if (authorization != null)
                {
                    head.Append("Authorization: ").Append(authorization).Append("\r\n");
                }
                if (payload != null)
                {
                    head.Append("Content-Type: ").Append(contentType ?? "application/octet-stream").Append("\r\n");
                    head.Append("Content-Length: ").Append(payload.Length.ToString()).Append("\r\n");
                }
                head.Append("\r\n");
                byte[] bytes = Encoding.UTF8.GetBytes(head.ToString());
                if (payload != null)
                {
                    // One write: one TLS record and, within a segment, one TCP segment. Written apart, the body's segment
                    // waits behind Nagle's algorithm for the server's delayed ACK of the head (40 ms on Linux) on every
                    // request (the board's lwIP has Nagle on too). The copy is the request's size: a CSR of a few KiB.
                    byte[] whole = new byte[bytes.Length + payload.Length];
                    Array.Copy(bytes, 0, whole, 0, bytes.Length);
                    Array.Copy(payload, 0, whole, bytes.Length, payload.Length);
                    bytes = whole;
                }
                // Restarted before the first write, so that a failure while writing reads as "no answer yet".
                _reader.Restart(stream, Left(started));
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush();
                _requestWritten = true;
                _reader.Restart(stream, Left(started));
                HttpResponse r = _reader.Read();
                keep = !last && _reader.Reusable;
                _idleSince = _clock.Uptime;
                _answered++;
                return r;
            }
            catch (IOException)
            {
                throw new EstException(EstError.ConnectionLost, 0, "the connection failed while sending the request", true, TimeSpan.Zero);
            }
            catch (TlsException e)
            {
                // TLS 1.3: a refused client certificate surfaces on the first read or write.
                throw EstException.Tls(e);
            }
            finally
            {
                if (!keep)
                {
                    Close();
                }
            }
        }

        private Stream Open(TimeSpan started)
        {
            try
            {
                _stream = _tls.Connect(_endpoint.Host, _endpoint.Port, _trustAnchors, ClientCertificate, ClientKey, Left(started));
            }
            catch (TlsException e)
            {
                throw EstException.Tls(e);
            }
            Connections++;
            _answered = 0;
            return _stream;
        }

        // What is left of Timeout for this exchange; a resend shares the first attempt's deadline.
        private TimeSpan Left(TimeSpan started)
        {
            TimeSpan left = Timeout - (_clock.Uptime - started);
            if (left <= TimeSpan.Zero)
            {
                throw new EstException(EstError.Timeout, 0, "the server did not answer in time", true, TimeSpan.Zero);
            }
            return left;
        }

        private EstException StatusError(HttpResponse r, string operation)
        {
            int s = r.Status;
            string what = operation + " answered " + s.ToString() + " " + Short(r.Reason);
            TimeSpan retryAfter = RetryAfter.Parse(r.GetHeader("Retry-After"), _clock.UtcNow);
            if (s == 202)
            {
                return new EstException(EstError.Deferred, s, operation + " was accepted for later (202); retry after "
                    + (retryAfter.Ticks / TimeSpan.TicksPerSecond).ToString() + " s", true, retryAfter);
            }
            if (s >= 300 && s < 400)
            {
                return new EstException(EstError.HttpStatus, s, what + ": redirects are not followed", false, TimeSpan.Zero);
            }
            bool retryable = s >= 500 || s == 429 || s == 408;
            return new EstException(EstError.HttpStatus, s, what, retryable, retryable ? retryAfter : TimeSpan.Zero);
        }

        private static void ExpectType(HttpResponse r, string media, bool certsOnly)
        {
            string type = r.GetHeader("Content-Type") ?? "";
            if (MultipartReader.MediaType(type) != media)
            {
                throw EstException.Content("expected " + media + ", the server sent '" + Short(type) + "'");
            }
            if (certsOnly)
            {
                CheckSmimeType(type);
            }
        }

        // RFC 7030 says smime-type=certs-only; an answer without the parameter is taken, one naming another type is not.
        private static void CheckSmimeType(string type)
        {
            string? smime = MultipartReader.Parameter(type, "smime-type");
            if (smime != null && smime.ToLower() != "certs-only")
            {
                throw EstException.Content("expected smime-type=certs-only, the server sent '" + Short(type) + "'");
            }
        }

        private static byte[] DecodeBase64(byte[] body)
        {
            return EstBase64.Decode(body, 0, body.Length);
        }

        private static string Short(string text)
        {
            return text.Length > 64 ? text.Substring(0, 64) : text;
        }
    }
}
