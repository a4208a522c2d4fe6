using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace NfCerts.Emulators.Dps;

/// <summary>The operator's side of the emulator: enrollments, registration records, and the throttling and outage switches.</summary>
public sealed partial class DpsEmulator
{
    /// <summary>Answers the next <paramref name="requests"/> device requests with 429 and <paramref name="retryAfterSeconds"/> (0 ends it).</summary>
    public void Throttle(int requests, int retryAfterSeconds)
    {
        lock (_gate)
        {
            _throttleLeft = requests;
            _throttleRetryAfter = retryAfterSeconds;
        }
    }

    /// <summary>The requests still to be answered 429, and the retry-after they carry (see <see cref="Throttle"/>).</summary>
    public (int Requests, int RetryAfterSeconds) Throttling
    {
        get { lock (_gate) { return (_throttleLeft, _throttleRetryAfter); } }
    }

    /// <summary>True while an outage is switched on.</summary>
    public bool Outage => _outage;

    /// <summary>Switches an outage on (every device connection is dropped and new ones are refused as server unavailable,
    /// counted in <see cref="DpsCounters.RefusedConnections"/>) or off.</summary>
    public async Task SetOutageAsync(bool down)
    {
        _outage = down;
        if (down)
        {
            foreach (MqttClientStatus client in await _server.GetClientsAsync().ConfigureAwait(false))
            {
                await client.DisconnectAsync(new MqttServerClientDisconnectOptions { ReasonCode = MqttDisconnectReasonCode.ServerBusy }).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Creates or replaces an enrollment group.</summary>
    public DpsEnrollmentGroup PutEnrollmentGroup(string id, X509Certificate2 ca, bool enabled = true, DpsAllocation allocation = DpsAllocation.Hashed, IReadOnlyList<string>? hubs = null)
    {
        DateTimeOffset now = _options.Time.GetUtcNow();
        DpsEnrollmentGroup group;
        lock (_gate)
        {
            group = new DpsEnrollmentGroup(id, X509CertificateLoader.LoadCertificate(ca.RawData), enabled, allocation, hubs ?? Array.Empty<string>(), NewEtag())
            {
                CreatedDateTimeUtc = _groups.TryGetValue(id, out var old) ? old.CreatedDateTimeUtc : now,
                LastUpdatedDateTimeUtc = now,
            };
            _groups[id] = group;
            SaveStateLocked();
        }
        EnrollmentGroupPut?.Invoke(group);
        return group;
    }

    /// <summary>Raised after an enrollment group was created or replaced (an embedded hub trusts its CA for the devices DPS
    /// registers there).</summary>
    public event Action<DpsEnrollmentGroup>? EnrollmentGroupPut;

    /// <summary>Creates or replaces an individual enrollment for <paramref name="device"/>'s certificate (registration ID = its CN).</summary>
    public DpsIndividualEnrollment PutIndividualEnrollment(X509Certificate2 device, bool enabled = true, DpsAllocation allocation = DpsAllocation.Hashed, IReadOnlyList<string>? hubs = null)
        => PutIndividualEnrollment(device.GetNameInfo(X509NameType.SimpleName, false), device.Thumbprint, device, enabled, allocation, hubs);

    /// <summary>Creates or replaces the individual enrollment of <paramref name="registrationId"/>, attested by the SHA-1
    /// <paramref name="thumbprint"/> (hex) of its certificate; <paramref name="certificate"/>, when known, is kept for its details.</summary>
    public DpsIndividualEnrollment PutIndividualEnrollment(string registrationId, string thumbprint, X509Certificate2? certificate, bool enabled = true,
        DpsAllocation allocation = DpsAllocation.Hashed, IReadOnlyList<string>? hubs = null)
    {
        DateTimeOffset now = _options.Time.GetUtcNow();
        lock (_gate)
        {
            var e = new DpsIndividualEnrollment(registrationId, thumbprint.ToUpperInvariant(), enabled, allocation, hubs ?? Array.Empty<string>(), NewEtag())
            {
                Certificate = certificate == null ? null : X509CertificateLoader.LoadCertificate(certificate.RawData),
                CreatedDateTimeUtc = _individuals.TryGetValue(registrationId, out var old) ? old.CreatedDateTimeUtc : now,
                LastUpdatedDateTimeUtc = now,
            };
            _individuals[registrationId] = e;
            SaveStateLocked();
            return e;
        }
    }

    /// <summary>The enrollment groups.</summary>
    public IReadOnlyList<DpsEnrollmentGroup> EnrollmentGroups { get { lock (_gate) { return _groups.Values.ToList(); } } }

    /// <summary>The individual enrollments.</summary>
    public IReadOnlyList<DpsIndividualEnrollment> IndividualEnrollments { get { lock (_gate) { return _individuals.Values.ToList(); } } }

    /// <summary>Removes an enrollment group; false when there is none.</summary>
    public bool DeleteEnrollmentGroup(string id) { lock (_gate) { return SavedIf(_groups.Remove(id)); } }

    /// <summary>Removes an individual enrollment; false when there is none.</summary>
    public bool DeleteIndividualEnrollment(string id) { lock (_gate) { return SavedIf(_individuals.Remove(id)); } }

    /// <summary>The registration records.</summary>
    public IReadOnlyList<DpsRegistrationRecord> Registrations { get { lock (_gate) { return _registrations.Values.OrderBy(r => r.RegistrationId, StringComparer.Ordinal).ToList(); } } }

    /// <summary>One registration record, or null.</summary>
    public DpsRegistrationRecord? GetRegistration(string id) { lock (_gate) { return _registrations.GetValueOrDefault(id); } }

    /// <summary>Removes a registration record (the device stays in its hub); false when there is none.</summary>
    public bool DeleteRegistration(string id) { lock (_gate) { return SavedIf(_registrations.Remove(id)); } }

    /// <summary>One enrollment group, or null.</summary>
    public DpsEnrollmentGroup? GetEnrollmentGroup(string id) { lock (_gate) { return _groups.GetValueOrDefault(id); } }

    /// <summary>One individual enrollment, or null.</summary>
    public DpsIndividualEnrollment? GetIndividualEnrollment(string id) { lock (_gate) { return _individuals.GetValueOrDefault(id); } }
}
