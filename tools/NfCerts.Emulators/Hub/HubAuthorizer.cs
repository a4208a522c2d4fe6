using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;
using NfCerts.Hal.Host;
using NfCerts.Hal.Host.Hub;

namespace NfCerts.Emulators.Hub;

/// <summary>
/// The hub's CONNECT checks for X.509 devices: the username names the device and an API version; the client certificate's
/// CN is the device ID; a device registered by thumbprint presents exactly that certificate, one registered by CA
/// presents a chain (leaf plus the intermediates it sent) that leads to a registered CA. Pure: no state, no I/O.
/// </summary>
internal static class HubAuthorizer
{
    /// <summary>Why a CONNECT is refused, or null when it is accepted.</summary>
    public static string? Check(string clientId, string? userName, X509Certificate2? leaf, X509Certificate2Collection extras,
        HubDevice? device, X509Certificate2Collection authorities, DateTime utcNow)
    {
        string? userProblem = CheckUserName(clientId, userName);
        if (userProblem != null)
        {
            return userProblem;
        }
        if (leaf == null)
        {
            return "no client certificate (this hub accepts X.509 devices only)";
        }
        string cn = leaf.GetNameInfo(X509NameType.SimpleName, false);
        if (!string.Equals(cn, clientId, StringComparison.Ordinal))
        {
            return "the certificate's CN '" + cn + "' is not the device ID '" + clientId + "'";
        }
        if (device == null)
        {
            return "device '" + clientId + "' is not registered";
        }
        if (device.Thumbprint != null)
        {
            if (!string.Equals(leaf.Thumbprint, device.Thumbprint, StringComparison.OrdinalIgnoreCase))
            {
                return "the certificate's thumbprint " + leaf.Thumbprint + " is not the one registered for '" + clientId + "'";
            }
            if (utcNow < leaf.NotBefore.ToUniversalTime() || utcNow > leaf.NotAfter.ToUniversalTime())
            {
                return "the device certificate is outside its validity period";
            }
            return null;
        }
        if (authorities.Count == 0)
        {
            return "no certificate authority is registered for CA-authenticated device '" + clientId + "'";
        }
        ChainProblem? problem = ChainJudge.Check(leaf, extras, authorities, utcNow, ChainJudge.ClientAuthOid);
        return problem == null ? null : "the device chain does not verify to a registered CA: " + problem;
    }

    /// <summary>Checks <c>{host}/{deviceId}/?api-version=...[&amp;more]</c>; extra parameters (<c>DeviceClientType</c>,
    /// <c>model-id</c>, ...) are accepted.</summary>
    public static string? CheckUserName(string clientId, string? userName)
    {
        if (string.IsNullOrEmpty(userName))
        {
            return "no username (expected {host}/{deviceId}/?api-version=...)";
        }
        int first = userName.IndexOf('/');
        int query = userName.IndexOf("/?", StringComparison.Ordinal);
        if (first <= 0 || query < first)
        {
            return "username '" + userName + "' is not {host}/{deviceId}/?api-version=...";
        }
        string deviceId = userName.Substring(first + 1, query - first - 1);
        if (!string.Equals(deviceId, clientId, StringComparison.Ordinal))
        {
            return "username names device '" + deviceId + "' but the client ID is '" + clientId + "'";
        }
        Dictionary<string, string> parameters = HubTopics.ParseQuery(userName.Substring(query + 2));
        if (!parameters.TryGetValue("api-version", out string? version) || version.Length == 0)
        {
            return "username has no api-version";
        }
        return null;
    }

    /// <summary>True when <paramref name="deviceId"/> may subscribe to <paramref name="filter"/>: its own C2D topic and
    /// the twin and method topics, nothing else.</summary>
    public static bool MaySubscribe(string deviceId, string filter)
        => filter == HubTopics.C2dFilter(deviceId)
            || filter == HubTopics.TwinResponseFilter
            || filter == HubTopics.DesiredFilter
            || filter == HubTopics.MethodFilter;
}
