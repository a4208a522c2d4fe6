using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace NfCerts.Emulators.Hub;

/// <summary>
/// The state file: devices (ID, authentication), verified CAs, twins with their versions, kept MQTT subscriptions and
/// queued C2D messages, as one JSON document rewritten (temporary file, then rename) after every change.
/// </summary>
public sealed partial class HubEmulator
{
    private const string StateFormat = "nfcerts-hub-emulator/1";

    private void LoadState()
    {
        string? path = _options.StatePath;
        JsonObject? root = path == null ? null : EmulatorStateFile.Read(path, StateFormat, "the hub state file");
        if (root == null)
        {
            return;
        }
        lock (_gate)
        {
            foreach (JsonNode? ca in root["authorities"]?.AsArray() ?? new JsonArray())
            {
                _authorities.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String((string)ca!)));
            }
            foreach (JsonNode? node in root["devices"]?.AsArray() ?? new JsonArray())
            {
                HubDevice device = ReadDevice((JsonObject)node!);
                _devices[device.DeviceId] = device;
            }
        }
    }

    private static HubDevice ReadDevice(JsonObject d)
    {
        var device = new HubDevice((string)d["deviceId"]!, (string?)d["thumbprint"])
        {
            Desired = (JsonObject)d["desired"]!.DeepClone(),
            DesiredVersion = (int)d["desiredVersion"]!,
            DesiredUpdated = Time(d["desiredUpdated"]),
            Reported = (JsonObject)d["reported"]!.DeepClone(),
            ReportedVersion = (int)d["reportedVersion"]!,
            ReportedUpdated = Time(d["reportedUpdated"]),
            TwinVersion = (long)d["twinVersion"]!,
        };
        foreach (var (filter, qos) in d["subscriptions"]?.AsObject() ?? new JsonObject())
        {
            device.Subscriptions[filter] = (int)qos!;
        }
        foreach (JsonNode? m in d["c2d"]?.AsArray() ?? new JsonArray())
        {
            device.Queue.Add(new C2dMessage
            {
                MessageId = (string)m!["messageId"]!,
                Body = Convert.FromBase64String((string)m["body"]!),
                Properties = m["properties"]!.AsArray().Select(p => new KeyValuePair<string, string>((string)p![0]!, (string)p[1]!)).ToList(),
                EnqueuedUtc = Time(m["enqueued"]),
                ExpiryUtc = Time(m["expiry"]),
                DeliveryCount = (int)m["deliveryCount"]!,
            });
        }
        return device;
    }

    private void SaveStateLocked()
    {
        string? path = _options.StatePath;
        if (path == null)
        {
            return;
        }
        var devices = new JsonArray();
        foreach (HubDevice device in _devices.Values.OrderBy(d => d.DeviceId, StringComparer.Ordinal))
        {
            devices.Add(WriteDevice(device));
        }
        var root = new JsonObject
        {
            ["authorities"] = new JsonArray(_authorities.Cast<X509Certificate2>().Select(a => (JsonNode)Convert.ToBase64String(a.RawData)).ToArray()),
            ["devices"] = devices,
        };
        EmulatorStateFile.Write(path, StateFormat, root);
    }

    private static JsonObject WriteDevice(HubDevice device)
    {
        var subscriptions = new JsonObject();
        foreach (var (filter, qos) in device.Subscriptions)
        {
            subscriptions[filter] = qos;
        }
        var queue = new JsonArray();
        foreach (C2dMessage m in device.Queue)
        {
            queue.Add(new JsonObject
            {
                ["messageId"] = m.MessageId,
                ["body"] = Convert.ToBase64String(m.Body),
                ["properties"] = new JsonArray(m.Properties.Select(p => (JsonNode)new JsonArray(p.Key, p.Value)).ToArray()),
                ["enqueued"] = m.EnqueuedUtc.ToString("O", CultureInfo.InvariantCulture),
                ["expiry"] = m.ExpiryUtc.ToString("O", CultureInfo.InvariantCulture),
                ["deliveryCount"] = m.DeliveryCount,
            });
        }
        return new JsonObject
        {
            ["deviceId"] = device.DeviceId,
            ["thumbprint"] = device.Thumbprint,
            ["desired"] = device.Desired.DeepClone(),
            ["desiredVersion"] = device.DesiredVersion,
            ["desiredUpdated"] = device.DesiredUpdated.ToString("O", CultureInfo.InvariantCulture),
            ["reported"] = device.Reported.DeepClone(),
            ["reportedVersion"] = device.ReportedVersion,
            ["reportedUpdated"] = device.ReportedUpdated.ToString("O", CultureInfo.InvariantCulture),
            ["twinVersion"] = device.TwinVersion,
            ["subscriptions"] = subscriptions,
            ["c2d"] = queue,
        };
    }

    private static DateTimeOffset Time(JsonNode? node)
        => node == null ? default : DateTimeOffset.Parse((string)node!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
