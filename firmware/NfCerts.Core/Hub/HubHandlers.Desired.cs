using System;
using System.Collections;
using NfCerts.Core.Json;
using NfCerts.Core.Storage;
using NfCerts.Core.X509;

namespace NfCerts.Core.Hub
{
    public sealed partial class HubHandlers
    {
        /// <summary>Desired: a root CA notice (the same object as the C2D body, without <c>type</c>).</summary>
        public const string RolloutProperty = "rootCaRollout";
        /// <summary>Desired: the operator signing key.</summary>
        public const string OperatorKeyProperty = "operatorKey";
        /// <summary>Desired: <c>{"threshold":"80%","retry":"4%","window":"02:00-04:00"}</c>.</summary>
        public const string PolicyProperty = "renewalPolicy";
        /// <summary>Desired: the EST server's base URL.</summary>
        public const string EstUrlProperty = "estUrl";
        /// <summary>Desired: the EST label.</summary>
        public const string EstLabelProperty = "estLabel";
        /// <summary>Desired: PEM certificates of hub TLS roots to trust in addition to the shipped ones.</summary>
        public const string HubRootsProperty = "hubRootsToAdd";

        // While one desired document is applied: the configuration it builds and whether it changed.
        private DeviceConfig _working = new DeviceConfig();
        private bool _policyChanged;
        private readonly ArrayList _configAcks = new ArrayList();

        /// <inheritdoc />
        public void OnTwin(string twinJson)
        {
            JsonNode twin;
            try
            {
                twin = JsonParser.Parse(twinJson, JsonLimits.Twin(), new string[] { "desired" });
            }
            catch (JsonException e)
            {
                ReportMessage("twin", "refused", "the twin is not valid JSON: " + e.Message);
                return;
            }
            JsonNode? desired = twin.Get("desired");
            if (desired != null)
            {
                ApplyDesired(desired, -1);
            }
        }

        /// <inheritdoc />
        public void OnDesiredPatch(string patchJson, int version)
        {
            JsonNode patch;
            try
            {
                patch = JsonParser.Parse(patchJson, JsonLimits.Twin());
            }
            catch (JsonException e)
            {
                ReportMessage("twin", "refused", "the desired patch is not valid JSON: " + e.Message);
                return;
            }
            ApplyDesired(patch, version);
        }

        /// <summary>Applies what is newer than the last applied <c>$version</c>; <paramref name="version"/> -1 reads it from
        /// the document.</summary>
        private void ApplyDesired(JsonNode desired, long version)
        {
            if (desired.Kind != JsonKind.Object)
            {
                return;
            }
            JsonNode? v = desired.Get("$version");
            long docVersion;
            if (v != null && v.TryGetLong(0, long.MaxValue, out docVersion))
            {
                version = docVersion;
            }
            if (version < 0 || version <= _config.DesiredVersion)
            {
                // Seen already (a twin GET after a reconnect with nothing new), or no version to order it by.
                return;
            }
            _working = _config.Copy();
            _policyChanged = false;
            _configAcks.Clear();
            string[] names = _router.Names(HubRouteKind.Desired);
            for (int i = 0; i < names.Length; i++)
            {
                JsonNode? value = desired.Get(names[i]);
                if (value == null)
                {
                    continue;
                }
                var request = new HubRequest();
                request.Value = value;
                request.Version = version;
                _router.Find(HubRouteKind.Desired, names[i])!(request);
            }
            _working.DesiredVersion = version;
            CommitConfig(version);
        }

        /// <summary>Keeps the configuration and the applied version in one commit, then puts the policy in force.</summary>
        private void CommitConfig(long version)
        {
            try
            {
                _working.Save(_c.Log);
            }
            catch (StorageException e)
            {
                for (int i = 0; i < _configAcks.Count; i++)
                {
                    var a = (string[])_configAcks[i]!;
                    Ack(a[0], a[1], 500, version, "valid, but the configuration could not be saved: " + e.Message);
                }
                return;
            }
            bool changed = _working.EstUrl != _config.EstUrl || _working.EstLabel != _config.EstLabel;
            _config = _working;
            if (_policyChanged)
            {
                _c.Engine.UpdatePolicy(_config.BuildPolicy());
            }
            var h = ConfigChanged;
            if (h != null && (changed || _policyChanged))
            {
                h(this, EventArgs.Empty);
            }
        }

        /// <summary>Reports a writable property's answer: <c>{"value":..,"ac":..,"av":..,"ad":..}</c>.</summary>
        private void Ack(string name, string valueJson, int status, long version, string description)
        {
            var w = new JsonWriter().BeginObject();
            w.Name("value").Raw(valueJson);
            w.Name("ac").Value(status);
            w.Name("av").Value(version);
            w.Name("ad").Value(description);
            _reported.Set(name, w.EndObject().ToString());
        }

        private void OnRollout(HubRequest r)
        {
            NoticeOutcome o = _notices.Receive(r.Value!, "twin");
            ReportNotice(o);
            var w = new JsonWriter().BeginObject().Name("seq").Value(o.Sequence).EndObject();
            int ac = o.Status == NoticeStatus.Refused ? 400 : o.Status == NoticeStatus.Pending ? 202 : 200;
            Ack(RolloutProperty, w.ToString(), ac, r.Version, o.StatusText + ": " + o.Reason);
        }

        private void OnOperatorKey(HubRequest r)
        {
            try
            {
                bool changed = _key.Apply(r.Value!);
                Ack(OperatorKeyProperty, KeyValue(), 200, r.Version, changed ? "operator key set" : "already the operator key");
            }
            catch (HubInputException e)
            {
                Ack(OperatorKeyProperty, KeyValue(), 400, r.Version, e.Message);
            }
            catch (StorageException e)
            {
                Ack(OperatorKeyProperty, KeyValue(), 500, r.Version, "the operator key could not be saved: " + e.Message);
            }
        }

        private string KeyValue()
        {
            var w = new JsonWriter().BeginObject();
            w.Name("seq").Value(_key.Sequence).Name("sha256").Value(_key.Sha256);
            return w.EndObject().ToString();
        }

        private void OnPolicy(HubRequest r)
        {
            JsonNode v = r.Value!;
            string echo = new JsonWriter().Node(v).ToString();
            var next = _working.Copy();
            try
            {
                if (v.Kind == JsonKind.Null)
                {
                    next.Threshold = next.Retry = next.Window = "";
                }
                else if (v.Kind != JsonKind.Object)
                {
                    throw new ArgumentException("renewalPolicy must be an object {threshold, retry, window}");
                }
                else
                {
                    for (int i = 0; i < v.Count; i++)
                    {
                        string n = v.NameAt(i);
                        if (n != "threshold" && n != "retry" && n != "window")
                        {
                            throw new ArgumentException("renewalPolicy has no member '" + JsonParser.Printable(n) + "'");
                        }
                    }
                    next.Threshold = PolicyText(v, "threshold");
                    next.Retry = PolicyText(v, "retry");
                    next.Window = PolicyText(v, "window");
                }
                next.BuildPolicy();
            }
            catch (Exception e)
            {
                Ack(PolicyProperty, echo, 400, r.Version, e.Message);
                return;
            }
            _working.Threshold = next.Threshold;
            _working.Retry = next.Retry;
            _working.Window = next.Window;
            _policyChanged = true;
            Accept(PolicyProperty, echo, r.Version, "renewal policy applied");
        }

        private static string PolicyText(JsonNode policy, string name)
        {
            JsonNode? t = policy.Get(name);
            if (t == null || t.Kind == JsonKind.Null)
            {
                return "";
            }
            if (t.Kind != JsonKind.String || t.Text.Length > 32)
            {
                throw new ArgumentException("renewalPolicy." + name + " must be a short string such as 80%, 30d or 02:00-04:00");
            }
            return t.Text;
        }

        private void OnEstUrl(HubRequest r)
        {
            string text;
            string problem = ConfigText(r.Value!, out text);
            if (problem.Length == 0)
            {
                problem = DeviceConfig.CheckEstUrl(text);
            }
            if (problem.Length > 0)
            {
                Ack(EstUrlProperty, new JsonWriter().Node(r.Value!).ToString(), 400, r.Version, problem);
                return;
            }
            _working.EstUrl = text;
            Accept(EstUrlProperty, JsonWriter.Quote(text), r.Version, "EST server set");
        }

        private void OnEstLabel(HubRequest r)
        {
            string text;
            string problem = ConfigText(r.Value!, out text);
            if (problem.Length == 0)
            {
                problem = DeviceConfig.CheckEstLabel(text);
            }
            if (problem.Length > 0)
            {
                Ack(EstLabelProperty, new JsonWriter().Node(r.Value!).ToString(), 400, r.Version, problem);
                return;
            }
            _working.EstLabel = text;
            Accept(EstLabelProperty, JsonWriter.Quote(text), r.Version, "EST label set");
        }

        /// <summary>A configuration string (null resets it to empty); the reason when it is not one.</summary>
        private static string ConfigText(JsonNode v, out string text)
        {
            text = "";
            if (v.Kind == JsonKind.Null)
            {
                return "";
            }
            if (v.Kind != JsonKind.String)
            {
                return "must be a string";
            }
            text = v.Text;
            return "";
        }

        /// <summary>Acks a configuration property as applied; it takes effect with the commit of the whole document.</summary>
        private void Accept(string name, string valueJson, long version, string description)
        {
            Ack(name, valueJson, 200, version, description);
            _configAcks.Add(new string[] { name, valueJson });
        }

        private void OnHubRoots(HubRequest r)
        {
            JsonNode v = r.Value!;
            var added = new JsonWriter().BeginArray();
            string problem = "";
            if (v.Kind != JsonKind.Array)
            {
                problem = "hubRootsToAdd must be an array of PEM certificates";
            }
            else if (_c.Trust == null)
            {
                problem = "this device cannot add hub roots";
            }
            int fresh = 0;
            for (int i = 0; problem.Length == 0 && i < v.Count; i++)
            {
                try
                {
                    CertificateInfo info;
                    if (v[i].Kind != JsonKind.String)
                    {
                        throw new HubInputException("item " + i.ToString() + " is not a string");
                    }
                    byte[] der = SinglePem.Read(v[i].Text, "hub root " + i.ToString(), out info);
                    if (_c.Trust!.AddRoot(der))
                    {
                        fresh++;
                    }
                    added.Value(NfCerts.Core.Certificates.CertStore.Hex(_c.Vault.Sha256(der, 0, der.Length)));
                }
                catch (Exception e)
                {
                    // HubTrust says why (not a CA, not self-signed, expired, too many, store full); earlier items stay added.
                    problem = "hub root " + i.ToString() + ": " + e.Message;
                }
            }
            string value = added.EndArray().ToString();
            if (problem.Length > 0)
            {
                Ack(HubRootsProperty, value, 400, r.Version, problem);
                return;
            }
            Ack(HubRootsProperty, value, 200, r.Version, fresh.ToString() + " root(s) added, " + (v.Count - fresh).ToString() + " already trusted");
        }
    }
}
