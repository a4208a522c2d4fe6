namespace NfCerts.Core.Est
{
    /// <summary>Why an EST exchange failed.</summary>
    public enum EstError
    {
        /// <summary>The TLS connection could not be made (see the inner <see cref="NfCerts.Hal.TlsException"/>).</summary>
        Tls = 1,
        /// <summary>The server did not answer within the exchange's deadline (slow or silent).</summary>
        Timeout = 2,
        /// <summary>The connection closed before the response was complete.</summary>
        ConnectionLost = 3,
        /// <summary>The response broke HTTP/1.1 or the EST framing (status line, headers, chunks, content type).</summary>
        BadResponse = 4,
        /// <summary>The response's headers or body exceeded the client's limits.</summary>
        TooLarge = 5,
        /// <summary>The body does not decode (base64, PKCS#7, multipart, CsrAttrs).</summary>
        BadContent = 6,
        /// <summary>The server answered with an HTTP status the operation cannot use (see <see cref="EstException.Status"/>).</summary>
        HttpStatus = 7,
        /// <summary>The server accepted the request for later (202): come back after <see cref="NfCerts.Core.Renewal.IssuerException.RetryAfter"/>.</summary>
        Deferred = 8,
        /// <summary>The issued certificate failed the client's checks (key, subject, chain, validity).</summary>
        CertificateRefused = 9,
        /// <summary>The settings cannot be used (URL, credentials, trust anchors).</summary>
        Configuration = 10,
    }
}
