using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using NfCerts.Emulators.Pki;

namespace NfCerts.Emulators.Est;

/// <summary>
/// The EST operations behind <see cref="EstServer"/>: routing, rate limit, faults, authentication, the CSR's checks, and
/// the answers. Order per request: route (404) → rate limit (503) → fault → method (405) → authentication (401/403) →
/// Content-Type (415) → size (413) → base64 and PKCS#10 with its signature (400) → policy (400/403) → deferral (202) →
/// issue (200).
/// </summary>
internal sealed class EstEndpoints
{
    private const string Prefix = "/.well-known/est/";
    private const int KeptRequests = 32;
    private static readonly string[] Operations = { "cacerts", "csrattrs", "simpleenroll", "simplereenroll", "serverkeygen" };

    private readonly EstServerOptions _options;
    private readonly EstCa _ca;
    private readonly EstIssuedLog _log;
    private readonly EstServerControls _controls;
    private readonly EstAuthentication _auth;
    private readonly Lazy<DevCredential> _foreign;
    private readonly object _gate = new();
    private readonly Queue<byte[]> _received = new();
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public EstEndpoints(EstServerOptions options, EstCa ca, EstIssuedLog log, EstServerControls controls)
    {
        _options = options;
        _ca = ca;
        _log = log;
        _controls = controls;
        _auth = new EstAuthentication(ca, options);
        _foreign = new Lazy<DevCredential>(() => EstCa.Foreign(options.Clock.GetUtcNow()));
    }

    public IReadOnlyList<byte[]> ReceivedRequests()
    {
        lock (_gate)
        {
            return _received.ToArray();
        }
    }

    public int RequestCount(string operation)
    {
        lock (_gate)
        {
            return _counts.TryGetValue(operation, out int n) ? n : 0;
        }
    }

    public async Task HandleAsync(HttpContext ctx)
    {
        if (!TryRoute(ctx.Request.Path.Value, out string? label, out string op))
        {
            await TextAsync(ctx, 404, "no such EST resource").ConfigureAwait(false);
            return;
        }
        lock (_gate)
        {
            _counts[op] = RequestCount(op) + 1;
        }
        if (_controls.CloseAfterEachResponse)
        {
            ctx.Response.Headers.Connection = "close";
        }
        int? overRate = _controls.OverRate();
        if (overRate != null)
        {
            ctx.Response.Headers.RetryAfter = overRate.Value.ToString(CultureInfo.InvariantCulture);
            await TextAsync(ctx, 503, "too many requests").ConfigureAwait(false);
            return;
        }
        EstFault fault = _controls.TakeFault(op);
        if (fault == EstFault.InternalError)
        {
            await TextAsync(ctx, 500, "internal error (fault injected)").ConfigureAwait(false);
            return;
        }
        if (fault == EstFault.CloseWithoutAnswer)
        {
            await ctx.Request.Body.CopyToAsync(Stream.Null, ctx.RequestAborted).ConfigureAwait(false);
            ctx.Abort();
            return;
        }
        if (fault == EstFault.ServiceUnavailable)
        {
            ctx.Response.Headers.RetryAfter = "1";
            await TextAsync(ctx, 503, "service unavailable (fault injected)").ConfigureAwait(false);
            return;
        }
        bool isGet = op is "cacerts" or "csrattrs";
        if (ctx.Request.Method != (isGet ? HttpMethods.Get : HttpMethods.Post))
        {
            ctx.Response.Headers.Allow = isGet ? "GET" : "POST";
            await TextAsync(ctx, 405, op + " takes " + (isGet ? "GET" : "POST")).ConfigureAwait(false);
            return;
        }
        switch (op)
        {
            case "cacerts":
                X509Certificate2Collection cas = fault == EstFault.ForeignCa
                    ? new X509Certificate2Collection(X509CertificateLoader.LoadCertificate(_foreign.Value.Der))
                    : _ca.CaCertificates();
                await AnswerAsync(ctx, fault, EstWire.CaCertsType, EstWire.CertsOnly(cas)).ConfigureAwait(false);
                return;
            case "csrattrs":
                if (_options.CsrAttributes == null)
                {
                    ctx.Response.StatusCode = 204;
                    ctx.Response.ContentLength = 0;
                    return;
                }
                await AnswerAsync(ctx, fault, EstWire.CsrAttrsType, EstWire.CsrAttrs(_options.CsrAttributes)).ConfigureAwait(false);
                return;
            default:
                await EnrollAsync(ctx, label, op, fault).ConfigureAwait(false);
                return;
        }
    }

    private async Task EnrollAsync(HttpContext ctx, string? label, string op, EstFault fault)
    {
        EstCaller caller = _auth.Authenticate(ctx.Request.Headers.Authorization, ctx.Connection.ClientCertificate);
        if (op == "simplereenroll")
        {
            if (caller.Certificate == null || !caller.IssuedByEst)
            {
                await TextAsync(ctx, 403, "re-enrollment needs the current certificate, issued by this CA and valid now, as the TLS client certificate").ConfigureAwait(false);
                return;
            }
        }
        else if (caller.Certificate == null && caller.BasicUser == null)
        {
            if (_auth.BasicEnabled)
            {
                ctx.Response.Headers.WWWAuthenticate = "Basic realm=\"" + _options.Realm + "\"";
                await TextAsync(ctx, 401, "authentication required").ConfigureAwait(false);
            }
            else
            {
                await TextAsync(ctx, 403, "enrollment needs a TLS client certificate from this CA or a bootstrap CA").ConfigureAwait(false);
            }
            return;
        }
        string mediaType = (ctx.Request.ContentType ?? "").Split(';')[0].Trim();
        if (!mediaType.Equals(EstWire.Pkcs10Type, StringComparison.OrdinalIgnoreCase))
        {
            await TextAsync(ctx, 415, "the request must be " + EstWire.Pkcs10Type).ConfigureAwait(false);
            return;
        }
        byte[]? body = await ReadBodyAsync(ctx).ConfigureAwait(false);
        if (body == null)
        {
            await TextAsync(ctx, 413, "the request is larger than " + _options.MaxRequestBytes + " bytes").ConfigureAwait(false);
            return;
        }
        byte[]? der = EstWire.DecodeBase64(body);
        if (der == null)
        {
            await TextAsync(ctx, 400, "the body is not base64").ConfigureAwait(false);
            return;
        }
        Remember(der);
        CertificateRequest csr;
        try
        {
            csr = CertificateRequest.LoadSigningRequest(der, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        }
        catch (CryptographicException e)
        {
            await TextAsync(ctx, 400, "not a PKCS#10 request with a valid signature: " + e.Message).ConfigureAwait(false);
            return;
        }
        string? refusal = EstPolicy.Check(csr, op, caller, _options.CsrAttributes, out int status);
        if (refusal != null)
        {
            await TextAsync(ctx, status, refusal).ConfigureAwait(false);
            return;
        }
        int? deferred = _controls.TakeDeferral();
        if (deferred != null)
        {
            ctx.Response.Headers.RetryAfter = deferred.Value.ToString(CultureInfo.InvariantCulture);
            ctx.Response.StatusCode = 202;
            ctx.Response.ContentLength = 0;
            return;
        }
        await IssueAsync(ctx, csr, label, op, caller, fault).ConfigureAwait(false);
    }

    private async Task IssueAsync(HttpContext ctx, CertificateRequest csr, string? label, string op, EstCaller caller, EstFault fault)
    {
        using AsymmetricAlgorithm? generated = op == "serverkeygen" || fault == EstFault.WrongKey ? EstPolicy.NewKeyLike(csr.PublicKey) : null;
        PublicKey publicKey = generated switch
        {
            ECDsa ec => new CertificateRequest("CN=x", ec, HashAlgorithmName.SHA256).PublicKey,
            RSA rsa => new CertificateRequest("CN=x", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).PublicKey,
            _ => csr.PublicKey,
        };
        X500DistinguishedName subject = fault == EstFault.WrongSubject ? new X500DistinguishedName("CN=another-device") : csr.SubjectName;
        var request = new CertificateRequest(subject, publicKey, HashAlgorithmName.SHA256);
        EstPolicy.AddLeafExtensions(request, csr);
        DateTimeOffset now = _options.Clock.GetUtcNow();
        // Backdated as real CAs do (EstServerOptions.Backdate). The lifetime counts from the moment of issue (from NotBefore
        // when that is later): backdating widens the window at its start and does not shorten what the client gets.
        DateTimeOffset issuedAt = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        DateTimeOffset notBefore = issuedAt - TimeSpan.FromSeconds(Math.Truncate(_controls.Backdate.TotalSeconds));
        DateTimeOffset notAfter = (notBefore > issuedAt ? notBefore : issuedAt) + _controls.Lifetime;
        var chain = new X509Certificate2Collection();
        X509Certificate2 leaf;
        if (fault == EstFault.ForeignCa)
        {
            leaf = EstCa.Sign(_foreign.Value.Certificate, request, notBefore, notAfter);
        }
        else
        {
            leaf = _ca.Issue(request, notBefore, notAfter);
            if (_ca.HasIntermediate)
            {
                chain.Add(X509CertificateLoader.LoadCertificate(_ca.Issuing.RawData));
            }
        }
        chain.Insert(0, leaf);
        _log.Append(leaf, now, op, label, caller.Describe());
        byte[] certsOnly = EstWire.CertsOnly(chain);
        if (op != "serverkeygen")
        {
            await AnswerAsync(ctx, fault, EstWire.CertsOnlyType, certsOnly).ConfigureAwait(false);
            return;
        }
        byte[] pkcs8 = generated!.ExportPkcs8PrivateKey();
        try
        {
            byte[] multipart = EstWire.ServerKeygenBody(pkcs8, certsOnly, _options.SendContentTransferEncoding, out string type);
            await SendAsync(ctx, 200, type, multipart, fault).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private bool TryRoute(string? path, out string? label, out string op)
    {
        label = null;
        op = "";
        if (path == null || !path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        string[] parts = path.Substring(Prefix.Length).Split('/');
        if (parts.Length == 2)
        {
            label = parts[0];
            if (!((IList<string>)_options.Labels).Contains(label))
            {
                return false;
            }
        }
        else if (parts.Length != 1)
        {
            return false;
        }
        op = parts[^1];
        return Array.IndexOf(Operations, op) >= 0;
    }

    /// <summary>The body, or null when it is over the limit. An oversize body is read and dropped (up to Kestrel's hard
    /// cap, <see cref="EstServer.DrainLimit"/>) so that a client that sends it whole still reads the 413.</summary>
    private async Task<byte[]?> ReadBodyAsync(HttpContext ctx)
    {
        var buffer = new MemoryStream();
        byte[] chunk = new byte[4096];
        bool over = ctx.Request.ContentLength > _options.MaxRequestBytes;
        try
        {
            int n;
            while ((n = await ctx.Request.Body.ReadAsync(chunk, ctx.RequestAborted).ConfigureAwait(false)) > 0)
            {
                if (!over)
                {
                    buffer.Write(chunk, 0, n);
                    over = buffer.Length > _options.MaxRequestBytes;
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == 413)
        {
            return null;
        }
        return over ? null : buffer.ToArray();
    }

    private void Remember(byte[] der)
    {
        lock (_gate)
        {
            _received.Enqueue(der);
            while (_received.Count > KeptRequests)
            {
                _received.Dequeue();
            }
        }
    }

    /// <summary>A 200 with a base64 body of <paramref name="der"/>, bent by <paramref name="fault"/>.</summary>
    private Task AnswerAsync(HttpContext ctx, EstFault fault, string contentType, byte[] der)
    {
        if (fault == EstFault.MalformedBody)
        {
            der = Encoding.ASCII.GetBytes("this is not PKCS#7");
        }
        if (fault == EstFault.WrongContentType)
        {
            contentType = "text/plain";
        }
        if (_options.SendContentTransferEncoding)
        {
            ctx.Response.Headers["Content-Transfer-Encoding"] = "base64";
        }
        return SendAsync(ctx, 200, contentType, EstWire.Base64(der), fault);
    }

    private async Task SendAsync(HttpContext ctx, int status, string contentType, byte[] body, EstFault fault)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = contentType;
        ctx.Response.ContentLength = body.Length;
        try
        {
            if (fault == EstFault.CutConnection)
            {
                await ctx.Response.Body.WriteAsync(body.AsMemory(0, body.Length / 2), ctx.RequestAborted).ConfigureAwait(false);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
                ctx.Abort();
                return;
            }
            if (fault == EstFault.SlowBody)
            {
                for (int i = 0; i < body.Length; i += 16)
                {
                    await ctx.Response.Body.WriteAsync(body.AsMemory(i, Math.Min(16, body.Length - i)), ctx.RequestAborted).ConfigureAwait(false);
                    await ctx.Response.Body.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
                    await Task.Delay(_controls.SlowDelay, ctx.RequestAborted).ConfigureAwait(false);
                }
                return;
            }
            await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // the client went away
        }
    }

    private static Task TextAsync(HttpContext ctx, int status, string message)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "text/plain; charset=utf-8";
        byte[] body = Encoding.UTF8.GetBytes(message + "\n");
        ctx.Response.ContentLength = body.Length;
        return ctx.Response.Body.WriteAsync(body, 0, body.Length);
    }
}
