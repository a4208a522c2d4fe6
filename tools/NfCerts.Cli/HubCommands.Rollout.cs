using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace NfCerts.Cli
{
    /// <summary>Where a device is in a root CA rollout, in the order of the seed document's flow.</summary>
    internal enum RolloutState
    {
        /// <summary>Announced in the twin; nothing reported about it yet.</summary>
        Announced,
        /// <summary>The new root is in the device's store (under any ID).</summary>
        Installed,
        /// <summary>The device is connected through the duplicate network that trusts the new root.</summary>
        OnNetwork,
        /// <summary>The rotation completed: reported as done, or the new root is now RootCA1.</summary>
        Finished,
        /// <summary>The device refused or rolled back the rotation (with its reason).</summary>
        Failed,
    }

    /// <summary>One device's state in a rollout.</summary>
    internal sealed record DeviceRollout(string DeviceId, RolloutState State, bool Installed, bool OnNetwork, string? Reason);

    /// <summary>
    /// A root CA rollout through the twin: the desired property <c>rootCaRollout</c> =
    /// <c>{"seq":N,"certificate":"PEM","network":"Network2","rootCaId":"RootCA2"[,"signature":"base64"]}</c> (the device's
    /// root CA notice, signed with the operator key when the device has one), and each device's progress read from its
    /// reported properties, tolerantly: <c>certificates</c> (by store ID, or an array of entries with <c>id</c>; matched by
    /// <c>sha1</c>/<c>sha256</c>, or by <c>subject</c> and <c>notAfter</c>), the connected network (<c>network.connected</c>,
    /// <c>network.configName</c>, <c>network</c> or <c>connectedNetwork</c>), and the notice's result in <c>rootCaNotice</c>
    /// or <c>rootCaRollout</c> (<c>seq</c> or <c>value.seq</c>, with <c>status</c>/<c>state</c> and <c>reason</c>, or Plug and
    /// Play's <c>ac</c>/<c>ad</c>).
    /// </summary>
    internal sealed class RootCaRollout
    {
        public const string Property = "rootCaRollout";

        /// <summary>The reported property with the device's verdict on the last notice.</summary>
        public const string NoticeResult = "rootCaNotice";

        private static readonly string[] ThumbprintNames = { "sha1", "sha256", "thumbprint", "thumbprintSha1", "thumbprintSha256", "sha1Thumbprint", "sha256Thumbprint" };
        private static readonly string[] DoneWords = { "done", "finished", "completed", "complete", "succeeded", "success" };
        private static readonly string[] FailedWords = { "failed", "refused", "rejected", "rolledback", "rolled-back", "error" };

        private readonly string _pem;
        private readonly string _sha1;
        private readonly string _sha256;
        private readonly string _subject;
        private readonly DateTimeOffset _notAfter;

        public RootCaRollout(X509Certificate2 root, string network, string id)
        {
            _pem = root.ExportCertificatePem();
            _sha1 = root.Thumbprint;
            _sha256 = Convert.ToHexString(SHA256.HashData(root.RawData));
            _subject = Canonical(root.Subject);
            _notAfter = root.NotAfter.ToUniversalTime();
            Network = network;
            Id = id;
        }

        public string Network { get; }

        public string Id { get; }

        /// <summary>The desired-property value announcing the root with sequence number <paramref name="seq"/>.</summary>
        public JsonObject Notice(int seq, ECDsa? operatorKey = null)
        {
            var notice = new JsonObject { ["seq"] = seq, ["certificate"] = _pem, ["network"] = Network, ["rootCaId"] = Id };
            if (operatorKey != null)
            {
                notice["signature"] = Convert.ToBase64String(operatorKey.SignData(SignedText(seq), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
            }
            return notice;
        }

        /// <summary>What the operator key signs: the notice's fields as UTF-8 lines, each ending in a line feed.</summary>
        public byte[] SignedText(int seq) => System.Text.Encoding.UTF8.GetBytes("nfcerts-root-ca-notice/1\nseq=" + seq.ToString(CultureInfo.InvariantCulture)
            + "\nnetwork=" + Network + "\nrootCaId=" + Id + "\nsha256=" + _sha256.ToLowerInvariant() + "\n");

        /// <summary>True when the twin's desired property already announces this root under <paramref name="seq"/>.</summary>
        public bool AlreadyAnnounced(JsonObject twin, int seq)
            => twin["properties"]?["desired"]?[Property] is JsonObject d && Int(d["seq"]) == seq && (string?)d["certificate"] == _pem;

        /// <summary>One more than any sequence number announced to or reported by <paramref name="twins"/> (1 for none).</summary>
        public static int NextSequence(IEnumerable<JsonObject> twins)
        {
            int max = 0;
            foreach (JsonObject t in twins)
            {
                max = Math.Max(max, Int(t["properties"]?["desired"]?[Property]?["seq"]) ?? 0);
                max = Math.Max(max, ReportedSeq(t["properties"]?["reported"]?[Property] as JsonObject) ?? 0);
                max = Math.Max(max, ReportedSeq(t["properties"]?["reported"]?[NoticeResult] as JsonObject) ?? 0);
            }
            return max + 1;
        }

        public List<DeviceRollout> States(IEnumerable<JsonObject> twins, int seq)
        {
            var list = new List<DeviceRollout>();
            foreach (JsonObject twin in twins)
            {
                list.Add(StateOf(twin, seq));
            }
            return list;
        }

        private DeviceRollout StateOf(JsonObject twin, int seq)
        {
            string device = (string?)twin["deviceId"] ?? "?";
            JsonObject? reported = twin["properties"]?["reported"] as JsonObject;
            bool installed = false, finishedInStore = false;
            foreach (JsonObject c in HubCommands.ReportedCertificates(twin))
            {
                if (Matches(c))
                {
                    installed = true;
                    finishedInStore |= HubCommands.Text(c, "id") == "RootCA1";
                }
            }
            bool onNetwork = ConnectedNetwork(reported) == Network;
            RolloutState state = finishedInStore && !onNetwork ? RolloutState.Finished
                : onNetwork ? RolloutState.OnNetwork
                : installed ? RolloutState.Installed
                : RolloutState.Announced;
            string? reason = null;
            foreach (string name in new[] { NoticeResult, Property })
            {
                if (reported?[name] is not JsonObject result || ReportedSeq(result) != seq)
                {
                    continue;
                }
                string word = (((string?)(result["status"] as JsonValue)) ?? ((string?)(result["state"] as JsonValue)) ?? "").ToLowerInvariant();
                int? ac = Int(result["ac"]);
                reason ??= (string?)(result["reason"] as JsonValue) ?? (string?)(result["ad"] as JsonValue);
                if (Array.IndexOf(FailedWords, word) >= 0 || ac >= 400)
                {
                    state = RolloutState.Failed;
                    reason = (string?)(result["reason"] as JsonValue) ?? (string?)(result["ad"] as JsonValue);
                    break;
                }
                if (Array.IndexOf(DoneWords, word) >= 0)
                {
                    state = RolloutState.Finished;
                }
            }
            return new DeviceRollout(device, state, installed, onNetwork, reason);
        }

        /// <summary>The certificate entry is this root: by a thumbprint when it reports one, else by subject and notAfter.</summary>
        private bool Matches(JsonObject c)
        {
            bool anyThumbprint = false;
            foreach (string name in ThumbprintNames)
            {
                if (HubCommands.Text(c, name) is string t)
                {
                    anyThumbprint = true;
                    string hex = t.Replace(":", "").Trim().ToUpperInvariant();
                    if (hex == _sha1 || hex == _sha256)
                    {
                        return true;
                    }
                }
            }
            if (anyThumbprint || HubCommands.Text(c, "subject") is not string subject || Canonical(subject) != _subject)
            {
                return false;
            }
            return !DateTimeOffset.TryParse(HubCommands.Text(c, "notAfter"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var na)
                || Math.Abs((na - _notAfter).TotalSeconds) < 1;
        }

        private static string? ConnectedNetwork(JsonObject? reported) => reported?["network"] switch
        {
            JsonValue v when v.TryGetValue(out string? s) => s,
            JsonObject n => (string?)(n["connected"] as JsonValue) ?? (string?)(n["configName"] as JsonValue) ?? (string?)(n["name"] as JsonValue),
            _ => (string?)(reported?["connectedNetwork"] as JsonValue),
        };

        private static int? ReportedSeq(JsonObject? result) => result == null ? null : Int(result["seq"]) ?? Int(result["value"]?["seq"]);

        private static int? Int(JsonNode? n) => n is JsonValue v && v.TryGetValue(out double d) && d == Math.Floor(d) && Math.Abs(d) < int.MaxValue ? (int)d : null;

        /// <summary>A distinguished name without the spaces .NET puts after commas, so it compares with openssl's RFC 2253 form.</summary>
        private static string Canonical(string dn) => dn.Replace(", ", ",").Trim();

        public static int Count(List<DeviceRollout> states, RolloutState state)
        {
            int n = 0;
            foreach (var s in states)
            {
                n += s.State == state ? 1 : 0;
            }
            return n;
        }

        public static int Settled(List<DeviceRollout> states) => Count(states, RolloutState.Finished) + Count(states, RolloutState.Failed);

        public static bool Done(List<DeviceRollout> states) => Settled(states) == states.Count;

        public static string Name(RolloutState s) => s switch
        {
            RolloutState.Announced => "announced",
            RolloutState.Installed => "installed",
            RolloutState.OnNetwork => "on-network",
            RolloutState.Finished => "finished",
            _ => "failed",
        };

        public static string Summary(List<DeviceRollout> states)
        {
            int installed = 0, onNetwork = 0;
            foreach (var s in states)
            {
                installed += s.Installed ? 1 : 0;
                onNetwork += s.OnNetwork ? 1 : 0;
            }
            return states.Count + " device(s): " + installed + " installed, " + onNetwork + " on the network, "
                + Count(states, RolloutState.Finished) + " finished, " + Count(states, RolloutState.Failed) + " failed";
        }
    }
}
