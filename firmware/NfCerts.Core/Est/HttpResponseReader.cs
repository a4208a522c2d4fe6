using System;
using System.IO;
using System.Text;
using NfCerts.Hal;

namespace NfCerts.Core.Est
{
    /// <summary>
    /// Reads one HTTP/1.1 response from a stream, strictly and within fixed bounds (RFC 9112).
    /// </summary>
    /// <remarks>
    /// <para>Accepted: a status line <c>HTTP/1.1 NNN reason</c> (or HTTP/1.0), at most <see cref="MaxHeaders"/> header
    /// fields of at most <see cref="MaxLineLength"/> bytes each, lines ending in CRLF (a bare LF is tolerated, a bare CR
    /// is not), interim 1xx responses skipped (at most four), then a body framed by <c>Transfer-Encoding: chunked</c>,
    /// by one <c>Content-Length</c>, or by the end of the connection. Refused: obsolete line folding, a header name with
    /// spaces, both framings at once, differing Content-Length values, any transfer coding but chunked.</para>
    /// <para>Persistent connections (RFC 9112 9.3): after <see cref="Read"/>, <see cref="Reusable"/> says whether the
    /// connection may carry the next request (HTTP/1.1, no <c>Connection: close</c>, a body framed by its length, nothing
    /// received past it); <see cref="Restart"/> readies the same reader, and its buffers, for the next response on that
    /// connection or on a new one. <see cref="ReceivedAny"/> tells a failure before the first byte of an answer (a server
    /// that had closed an idle connection) from one in the middle of it.</para>
    /// <para>Limits, checked before the bytes are read: the body may not exceed the caller's maximum (a declared
    /// Content-Length above it fails at once; chunk sizes and end-of-connection bodies as they arrive). The whole
    /// response must arrive before the deadline set by the caller's timeout, measured on <see cref="IClock.Uptime"/>:
    /// each read waits at most what is left, so a server that trickles bytes fails at the deadline, not per byte.</para>
    /// <para>RAM: a 512-byte read buffer, the header strings (under 8 KiB by the limits), and the body (exact size for
    /// Content-Length; for chunked and until-close bodies a doubling buffer, so transiently up to twice the body).</para>
    /// </remarks>
    public sealed class HttpResponseReader
    {
        /// <summary>Longest status or header line accepted, in bytes.</summary>
        public const int MaxLineLength = 2048;
        /// <summary>Most header fields accepted in one response (trailers included).</summary>
        public const int MaxHeaders = 32;
        private const int MaxInterim = 4;

        private Stream _stream;
        private readonly IClock _clock;
        private TimeSpan _deadline;
        private readonly int _maxBody;
        private readonly byte[] _buffer = new byte[512];
        private readonly byte[] _line = new byte[MaxLineLength];
        private int _position;
        private int _length;
        private bool _ended;
        private bool _receivedAny;
        private bool _reusable;
        private bool _keepAlive;

        /// <summary>Creates a reader of one response from <paramref name="stream"/>, complete within
        /// <paramref name="timeout"/> from now, with a body of at most <paramref name="maxBody"/> bytes.</summary>
        public HttpResponseReader(Stream stream, IClock clock, TimeSpan timeout, int maxBody)
        {
            if (stream == null || clock == null)
            {
                throw new ArgumentNullException(stream == null ? "stream" : "clock");
            }
            _stream = stream;
            _clock = clock;
            _deadline = clock.Uptime + timeout;
            _maxBody = maxBody;
        }

        /// <summary>Reads the response. Throws <see cref="EstException"/>: Timeout, ConnectionLost, BadResponse or TooLarge.</summary>
        public HttpResponse Read()
        {
            _receivedAny = false;
            _reusable = false;
            HttpResponse response = ReadHead();
            for (int i = 0; response.Status < 200; i++)
            {
                if (i == MaxInterim || response.Status == 101)
                {
                    throw EstException.Response("too many interim responses, or a protocol switch");
                }
                response = ReadHead();
            }
            response.Body = ReadBody(response);
            _reusable = _keepAlive && !_ended && _position == _length && !HasCloseToken(response.GetHeader("Connection"));
            return response;
        }

        /// <summary>True after a <see cref="Read"/> whose answer leaves the connection open for another request: HTTP/1.1,
        /// no <c>Connection: close</c>, a body framed by Content-Length or chunked (or none), and no byte received past it.</summary>
        public bool Reusable
        {
            get { return _reusable; }
        }

        /// <summary>True when at least one byte of the answer arrived during the last <see cref="Read"/> (also when it threw).</summary>
        public bool ReceivedAny
        {
            get { return _receivedAny; }
        }

        /// <summary>Readies the reader for the next response on <paramref name="stream"/> (the same connection, or a new one),
        /// complete within <paramref name="timeout"/> from now. Buffered bytes are dropped: call it for the same connection
        /// only after <see cref="Reusable"/> was true, when none are left.</summary>
        public void Restart(Stream stream, TimeSpan timeout)
        {
            if (stream == null)
            {
                throw new ArgumentNullException("stream");
            }
            _stream = stream;
            _deadline = _clock.Uptime + timeout;
            _position = 0;
            _length = 0;
            _ended = false;
            _receivedAny = false;
            _reusable = false;
        }

        // Connection: a comma-separated list of tokens, case-insensitive (RFC 9110 7.6.1).
        private static bool HasCloseToken(string? connection)
        {
            if (connection == null)
            {
                return false;
            }
            string[] tokens = connection.Split(',');
            for (int i = 0; i < tokens.Length; i++)
            {
                if (tokens[i].Trim().ToLower() == "close")
                {
                    return true;
                }
            }
            return false;
        }

        private HttpResponse ReadHead()
        {
            string status = ReadLine(true);
            // HTTP/1.1 200 OK
            if (status.Length < 12 || (status.Substring(0, 9) != "HTTP/1.1 " && status.Substring(0, 9) != "HTTP/1.0 ")
                || (status.Length > 12 && status[12] != ' '))
            {
                throw EstException.Response("the status line is not HTTP/1.x");
            }
            int code = 0;
            for (int i = 9; i < 12; i++)
            {
                char c = status[i];
                if (c < '0' || c > '9')
                {
                    throw EstException.Response("the status code is not three digits");
                }
                code = (code * 10) + (c - '0');
            }
            if (code < 100)
            {
                throw EstException.Response("the status code is below 100");
            }
            _keepAlive = status[7] == '1';
            var response = new HttpResponse(code, status.Length > 13 ? status.Substring(13) : "");
            ReadFields(response);
            return response;
        }

        private void ReadFields(HttpResponse response)
        {
            while (true)
            {
                string line = ReadLine(false);
                if (line.Length == 0)
                {
                    return;
                }
                if (response.HeaderCount == MaxHeaders)
                {
                    throw new EstException(EstError.TooLarge, 0, "more than " + MaxHeaders.ToString() + " header fields", false, TimeSpan.Zero);
                }
                int colon = line.IndexOf(':');
                if (colon <= 0 || line[0] == ' ' || line[0] == '\t')
                {
                    throw EstException.Response("a header line without a name, or folded");
                }
                string name = line.Substring(0, colon);
                if (name.IndexOf(' ') >= 0 || name.IndexOf('\t') >= 0)
                {
                    throw EstException.Response("a header name with white space");
                }
                response.AddHeader(name, line.Substring(colon + 1).Trim());
            }
        }

        private byte[] ReadBody(HttpResponse response)
        {
            if (response.Status == 204 || response.Status == 304)
            {
                return new byte[0];
            }
            string? encoding = response.GetHeader("Transfer-Encoding");
            string? length = response.GetHeader("Content-Length");
            if (encoding != null)
            {
                if (length != null || response.CountHeader("Transfer-Encoding") != 1 || encoding.ToLower() != "chunked")
                {
                    throw EstException.Response("a transfer coding other than chunked, or with Content-Length");
                }
                return ReadChunked(response);
            }
            if (length != null)
            {
                // Several fields must not disagree (RFC 9112 6.3): any repetition is refused rather than compared.
                if (response.CountHeader("Content-Length") != 1)
                {
                    throw EstException.Response("more than one Content-Length");
                }
                int n = ParseNumber(length, 10, 9);
                if (n > _maxBody)
                {
                    throw TooLarge();
                }
                byte[] body = new byte[n];
                ReadExactly(body, 0, n);
                return body;
            }
            _keepAlive = false;
            return ReadUntilClose();
        }

        private byte[] ReadChunked(HttpResponse response)
        {
            byte[] body = new byte[256];
            int total = 0;
            while (true)
            {
                string line = ReadLine(false);
                int semicolon = line.IndexOf(';');
                int size = ParseNumber(semicolon >= 0 ? line.Substring(0, semicolon).Trim() : line, 16, 7);
                if (size == 0)
                {
                    ReadFields(response);
                    return Trim(body, total);
                }
                if (size > _maxBody - total)
                {
                    throw TooLarge();
                }
                body = Ensure(body, total + size);
                ReadExactly(body, total, size);
                total += size;
                if (ReadLine(false).Length != 0)
                {
                    throw EstException.Response("a chunk is longer than its size");
                }
            }
        }

        private byte[] ReadUntilClose()
        {
            byte[] body = new byte[256];
            int total = 0;
            while (true)
            {
                if (_position == _length && !Fill())
                {
                    return Trim(body, total);
                }
                int n = _length - _position;
                if (n > _maxBody - total)
                {
                    throw TooLarge();
                }
                body = Ensure(body, total + n);
                Array.Copy(_buffer, _position, body, total, n);
                total += n;
                _position = _length;
            }
        }

        private void ReadExactly(byte[] target, int offset, int count)
        {
            while (count > 0)
            {
                if (_position == _length && !Fill())
                {
                    throw new EstException(EstError.ConnectionLost, 0, "the connection closed in the middle of the body", true, TimeSpan.Zero);
                }
                int n = Math.Min(count, _length - _position);
                Array.Copy(_buffer, _position, target, offset, n);
                _position += n;
                offset += n;
                count -= n;
            }
        }

        // Reads one line without its terminator; ASCII only (header values outside it are refused).
        private string ReadLine(bool first)
        {
            int n = 0;
            while (true)
            {
                if (_position == _length && !Fill())
                {
                    throw new EstException(EstError.ConnectionLost, 0,
                        first && n == 0 ? "the server closed the connection without an answer" : "the connection closed in the middle of the headers",
                        true, TimeSpan.Zero);
                }
                byte b = _buffer[_position++];
                if (b == '\n')
                {
                    return Encoding.UTF8.GetString(_line, 0, n);
                }
                if (b == '\r')
                {
                    if (_position == _length && !Fill())
                    {
                        continue;
                    }
                    if (_buffer[_position] != '\n')
                    {
                        throw EstException.Response("a bare CR in the headers");
                    }
                    continue;
                }
                if ((b < 0x20 && b != '\t') || b >= 0x7F)
                {
                    throw EstException.Response("a control or non-ASCII byte in the headers");
                }
                if (n == MaxLineLength)
                {
                    throw new EstException(EstError.TooLarge, 0, "a header line longer than " + MaxLineLength.ToString() + " bytes", false, TimeSpan.Zero);
                }
                _line[n++] = b;
            }
        }

        private bool Fill()
        {
            if (_ended)
            {
                return false;
            }
            TimeSpan left = _deadline - _clock.Uptime;
            if (left <= TimeSpan.Zero)
            {
                throw TimedOut();
            }
            int read;
            try
            {
                if (_stream.CanTimeout)
                {
                    long ms = left.Ticks / TimeSpan.TicksPerMillisecond;
                    _stream.ReadTimeout = ms < 1 ? 1 : (ms > int.MaxValue ? int.MaxValue : (int)ms);
                }
                read = _stream.Read(_buffer, 0, _buffer.Length);
            }
            catch (IOException)
            {
                if (_deadline - _clock.Uptime <= TimeSpan.FromTicks(100 * TimeSpan.TicksPerMillisecond))
                {
                    throw TimedOut();
                }
                throw new EstException(EstError.ConnectionLost, 0, "the connection failed while reading the answer", true, TimeSpan.Zero);
            }
            if (read <= 0)
            {
                _ended = true;
                return false;
            }
            _position = 0;
            _length = read;
            _receivedAny = true;
            return true;
        }

        private static int ParseNumber(string text, int radix, int maxDigits)
        {
            if (text.Length == 0 || text.Length > maxDigits)
            {
                throw EstException.Response("a length that is empty or too long: '" + (text.Length > 16 ? text.Substring(0, 16) : text) + "'");
            }
            int value = 0;
            for (int i = 0; i < text.Length; i++)
            {
                int d = HexDigit(text[i]);
                if (d < 0 || d >= radix)
                {
                    throw EstException.Response("a length that is not a number");
                }
                value = (value * radix) + d;
            }
            return value;
        }

        private static int HexDigit(char c)
        {
            if (c >= '0' && c <= '9')
            {
                return c - '0';
            }
            if (c >= 'a' && c <= 'f')
            {
                return c - 'a' + 10;
            }
            if (c >= 'A' && c <= 'F')
            {
                return c - 'A' + 10;
            }
            return -1;
        }

        private byte[] Ensure(byte[] body, int needed)
        {
            if (needed <= body.Length)
            {
                return body;
            }
            int size = body.Length;
            while (size < needed)
            {
                size *= 2;
            }
            if (size > _maxBody)
            {
                size = _maxBody;
            }
            byte[] grown = new byte[size];
            Array.Copy(body, grown, body.Length);
            return grown;
        }

        private static byte[] Trim(byte[] body, int length)
        {
            byte[] result = new byte[length];
            Array.Copy(body, result, length);
            return result;
        }

        private EstException TooLarge()
        {
            return new EstException(EstError.TooLarge, 0, "the body exceeds " + _maxBody.ToString() + " bytes", false, TimeSpan.Zero);
        }

        private static EstException TimedOut()
        {
            return new EstException(EstError.Timeout, 0, "the server did not answer in time", true, TimeSpan.Zero);
        }
    }
}
