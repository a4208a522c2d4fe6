using System;
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace NfCerts.Emulators.Hub;

/// <summary>How to start a <see cref="HubEmulator"/>.</summary>
public sealed class HubEmulatorOptions
{
    /// <summary>The server certificate with its private key (SANs <c>localhost</c> and <c>127.0.0.1</c>: see
    /// <see cref="Pki.DevPki.Server"/>). Required.</summary>
    public X509Certificate2? ServerCertificate { get; set; }

    /// <summary>Intermediates sent after the server certificate, leaf's issuer first.</summary>
    public X509Certificate2Collection ServerIntermediates { get; set; } = new();

    /// <summary>The address to listen on: loopback unless told otherwise.</summary>
    public IPAddress Address { get; set; } = IPAddress.Loopback;

    /// <summary>The MQTT over TLS port; 0 picks a free one (read it back from <see cref="HubEmulator.Port"/>).</summary>
    public int Port { get; set; }

    /// <summary>The hub's host name as devices put it in their usernames (<c>{host}/{deviceId}/?api-version=...</c>).
    /// Only the device ID part of a username is checked, so devices may use <c>localhost</c> or <c>127.0.0.1</c>.</summary>
    public string HostName { get; set; } = "localhost";

    /// <summary>A JSON file keeping devices, CAs, twins and queued C2D messages across restarts, or null for memory only.</summary>
    public string? StatePath { get; set; }

    /// <summary>How long a C2D message waits for its device when the sender gives no TTL (IoT Hub: 1 hour).</summary>
    public TimeSpan DefaultC2dTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How many times a C2D message is delivered without being acknowledged before it is dead-lettered (IoT Hub: 10).</summary>
    public int MaxDeliveryCount { get; set; } = 10;

    /// <summary>The largest reported-properties patch accepted, in UTF-8 bytes (IoT Hub: 32 KB).</summary>
    public int MaxReportedPatchBytes { get; set; } = 32 * 1024;

    /// <summary>The clock for TTLs and timestamps.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Receives each line of the emulator's log (connections, refusals with their reason, every topic and payload
    /// on the wire), or null.</summary>
    public Action<string>? Log { get; set; }

    /// <summary>How many recent log lines <see cref="HubEmulator.LogLines"/> keeps.</summary>
    public int LogCapacity { get; set; } = 2000;
}
