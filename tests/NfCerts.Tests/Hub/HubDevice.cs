using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using NfCerts.Core.Hub;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using NfCerts.Tests.Renewal;
using NfCerts.Tests.Support;
using NfCerts.Tests.Wifi;

namespace NfCerts.Tests.Hub
{
    /// <summary>A device with the real renewal engine on the host HAL and its hub handlers, fed as the hub client feeds
    /// them; every reported patch it takes is kept (and accepted) so tests can read what went on the wire.</summary>
    public sealed class HubDevice : IDisposable
    {
        public readonly RenewalDevice R = new RenewalDevice(TimeSpan.FromDays(365));
        public HubHandlers H = null!;
        public readonly List<string> Wire = new();
        /// <summary>The reasons the reprovision method was called with.</summary>
        public readonly HashSet<string> Reprovisions = new();
        /// <summary>What the runtime's fault list holds.</summary>
        public NfCerts.Core.Device.DeviceFault[] Faults = Array.Empty<NfCerts.Core.Device.DeviceFault>();
        public static readonly Issued Operator = TestPki.Root("Fleet Operator");
        public static readonly Issued Operator2 = TestPki.Root("Fleet Operator 2");

        public HubDevice()
        {
            Build();
        }

        public void Build()
        {
            var c = new HubContext(R.W.Log, R.W.Store, R.W.Config, R.Engine, R.Options, new HostKeyVault(), R.W.Clock)
            {
                FirmwareVersion = "1.2.3",
                Faults = () => Faults,
            };
            // The runtime's provisioning report, from the real driver (no EST, no DPS: its idle shape).
            var provisioning = new NfCerts.Core.Device.ProvisioningDriver(R.W.Log, R.W.Store, R.W.Radio, R.W.Clock, R.W.Clock, new object(), 7, "ClientCert1", null, null);
            c.Provisioning = provisioning.ReportJson;
            c.Reprovision = reason => { Reprovisions.Add(reason); return ""; };
            H = new HubHandlers(c);
        }

        /// <summary>Power-on after a cut: remount, new engine and handlers, then what the runtime calls at start.</summary>
        public NoticeOutcome? Reboot()
        {
            R.Reboot();
            Build();
            return H.ResumePending();
        }

        public void C2d(string body, string properties = "type=rootCaNotice") => H.OnMessage(new HubMessage(Encoding.UTF8.GetBytes(body), properties));

        public void C2d(byte[] body, string properties = "type=rootCaNotice") => H.OnMessage(new HubMessage(body, properties));

        /// <summary>Takes the reported patch (recorded on the wire) and accepts it; null when nothing changed.</summary>
        public JsonObject? Report(bool accept = true)
        {
            string? patch = H.TakeReportedPatch();
            H.ReportedPatchSent(accept);
            if (patch == null)
            {
                return null;
            }
            Wire.Add(patch);
            return JsonNode.Parse(patch)!.AsObject();
        }

        public byte[] Flash() => R.W.Flash.Snapshot();

        public static string Notice(long seq, string pem, Issued? signer = null, string network = "Network2", string id = "RootCA2", bool type = true)
        {
            var o = new JsonObject();
            if (type) o["type"] = "rootCaNotice";
            o["seq"] = seq;
            o["certificate"] = pem;
            o["network"] = network;
            o["rootCaId"] = id;
            if (signer != null)
            {
                string sha = Convert.ToHexStringLower(SHA256.HashData(PemDer(pem)));
                o["signature"] = Sign(signer, RootCaNotice.SignedBytes(seq, network, id, sha));
            }
            return o.ToJsonString();
        }

        public static string Sign(Issued signer, byte[] data)
            => Convert.ToBase64String(((ECDsa)signer.Key).SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

        public static string OperatorKey(long seq, Issued key, Issued? signedBy = null)
        {
            var o = new JsonObject { ["seq"] = seq, ["certificate"] = key.Pem };
            if (signedBy != null)
            {
                o["signature"] = Sign(signedBy, NfCerts.Core.Hub.OperatorKey.SignedBytes(seq, Convert.ToHexStringLower(SHA256.HashData(key.Der))));
            }
            return o.ToJsonString();
        }

        public static string Twin(long version, JsonObject desired)
        {
            desired["$version"] = version;
            return new JsonObject { ["desired"] = desired, ["reported"] = new JsonObject { ["$version"] = 1 } }.ToJsonString();
        }

        private static byte[] PemDer(string pem) => System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(pem).RawData;

        public void Dispose() => R.Dispose();
    }
}
