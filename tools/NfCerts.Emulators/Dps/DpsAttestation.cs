using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using NfCerts.Hal.Host;

namespace NfCerts.Emulators.Dps;

/// <summary>The result of checking a device against the enrollments: the enrollment, or the DPS error to answer.</summary>
internal sealed record DpsAttestationResult(DpsEnrollmentGroup? Group, DpsIndividualEnrollment? Individual, int Status, int ErrorCode, string? Error)
{
    public bool Matched => Error == null;
    public bool Enabled => Group?.Enabled ?? Individual?.Enabled ?? false;
}

/// <summary>X.509 attestation as DPS does it: the registration ID must be the leaf's CN; an individual enrollment for the
/// registration ID must match the leaf's thumbprint; otherwise an enrollment group whose CA the chain (leaf plus the
/// intermediates sent in the handshake) verifies to. Pure.</summary>
internal static class DpsAttestation
{
    public const int Unauthorized = 401002;
    public const int BadRequest = 400004;

    public static DpsAttestationResult Check(string registrationId, X509Certificate2? leaf, X509Certificate2Collection extras,
        IEnumerable<DpsIndividualEnrollment> individuals, IEnumerable<DpsEnrollmentGroup> groups, DateTime utcNow)
    {
        if (leaf == null)
        {
            return Fail(401, Unauthorized, "no client certificate: X.509 attestation needs one");
        }
        string cn = leaf.GetNameInfo(X509NameType.SimpleName, false);
        if (!string.Equals(cn, registrationId, StringComparison.Ordinal))
        {
            return Fail(401, Unauthorized, "registration ID '" + registrationId + "' is not the certificate's CN '" + cn + "'");
        }
        var individual = individuals.FirstOrDefault(e => string.Equals(e.RegistrationId, registrationId, StringComparison.OrdinalIgnoreCase));
        if (individual != null)
        {
            if (!string.Equals(individual.Thumbprint, leaf.Thumbprint, StringComparison.OrdinalIgnoreCase))
            {
                return Fail(401, Unauthorized, "the certificate's thumbprint is not the individual enrollment's");
            }
            if (utcNow < leaf.NotBefore.ToUniversalTime() || utcNow > leaf.NotAfter.ToUniversalTime())
            {
                return Fail(401, Unauthorized, "the device certificate is outside its validity period");
            }
            return new DpsAttestationResult(null, individual, 200, 0, null);
        }
        string? last = null;
        foreach (var group in groups)
        {
            ChainProblem? problem = ChainJudge.Check(leaf, extras, new X509Certificate2Collection(group.Ca), utcNow, ChainJudge.ClientAuthOid);
            if (problem == null)
            {
                return new DpsAttestationResult(group, null, 200, 0, null);
            }
            last = problem.ToString();
        }
        return Fail(401, Unauthorized, last == null
            ? "no enrollment for '" + registrationId + "'"
            : "no enrollment group's CA verifies the device chain (" + last + ")");
    }

    private static DpsAttestationResult Fail(int status, int code, string message) => new(null, null, status, code, message);
}

/// <summary>Chooses the hub: the first of a static enrollment's hubs, or an evenly weighted hash of the registration ID
/// over the enrollment's hubs (all linked hubs when it names none), stable for the same ID and hub list. Pure.</summary>
internal static class DpsAllocator
{
    public static string? Choose(string registrationId, DpsAllocation allocation, IReadOnlyList<string> enrollmentHubs, IReadOnlyList<string> linkedHubs)
    {
        var candidates = enrollmentHubs.Count > 0 ? enrollmentHubs.Where(linkedHubs.Contains).ToList() : linkedHubs.ToList();
        if (candidates.Count == 0)
        {
            return null;
        }
        if (allocation == DpsAllocation.Static)
        {
            return candidates[0];
        }
        candidates.Sort(StringComparer.Ordinal);
        uint h = 2166136261;
        foreach (char c in registrationId.ToLowerInvariant())
        {
            h = (h ^ c) * 16777619;
        }
        h ^= h >> 16;
        h *= 0x7FEB352D;
        h ^= h >> 15;
        h *= 0x846CA68B;
        h ^= h >> 16;
        return candidates[(int)(h % (uint)candidates.Count)];
    }
}
