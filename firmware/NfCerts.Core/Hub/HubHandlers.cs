using System;
using System.Text;
using NfCerts.Core.Json;
using NfCerts.Hal;

namespace NfCerts.Core.Hub
{
    /// <summary>
    /// The device's answers to its hub (<see cref="IHubHandlers"/>): root CA notices by C2D and twin, configuration from
    /// desired properties, direct methods, and health as reported properties. Every request goes through one
    /// <see cref="HubRouter"/> table (<see cref="Routes"/>).
    /// </summary>
    /// <remarks>
    /// <para>Input is bounded before it is parsed: a C2D body at 16 KiB, a twin or desired patch at 32 KiB, a method payload
    /// at 4 KiB (<see cref="JsonLimits"/>). Anything refused is answered with its reason (the reported
    /// <c>lastMessage</c>/<c>rootCaNotice</c>, a writable property's <c>ad</c>, a method's 400) and changes nothing.</para>
    /// <para>Reconciliation: desired properties are applied when their <c>$version</c> is newer than the last applied one
    /// (kept in the store with the configuration), from a patch or from the full twin GET after every connect, so that
    /// patches sent while the device was offline are picked up from the full twin. In the full twin, a property that is
    /// absent is left as it is; in a patch, <c>null</c> resets a configuration property to its default.</para>
    /// <para>Call <see cref="ResumePending"/> once at start, after the renewal engine has started.</para>
    /// </remarks>
    public sealed partial class HubHandlers : IHubHandlers
    {
        /// <summary>The DTDL model this device implements, announced as <c>model-id</c> when it connects.</summary>
        public const string ModelId = "dtmi:nfcerts:device;1";
        /// <summary>Reported member with the result of the last C2D message.</summary>
        public const string LastMessage = "lastMessage";
        /// <summary>Reported member with the result of the last root CA notice, from any source.</summary>
        public const string NoticeResult = "rootCaNotice";

        private readonly HubContext _c;
        private readonly HubRouter _router = new HubRouter();
        private readonly ReportedProperties _reported = new ReportedProperties();
        private readonly HealthReport _health = new HealthReport();
        private readonly OperatorKey _key;
        private readonly RootCaNotices _notices;
        private DeviceConfig _config;

        /// <summary>Creates the handlers over the device's parts; reads the kept configuration and operator key.</summary>
        public HubHandlers(HubContext context)
        {
            if (context == null)
            {
                throw new ArgumentNullException("context");
            }
            _c = context;
            _key = new OperatorKey(context.Log, context.Vault);
            _notices = new RootCaNotices(context.Log, context.Store, context.Wifi, context.Engine, context.Options, _key, context.Vault);
            _config = DeviceConfig.Load(context.Log);
            AddRoutes();
        }

        /// <summary>The routing table.</summary>
        public HubRouter Routes
        {
            get { return _router; }
        }

        /// <summary>The configuration in force (for the EST issuer: <see cref="DeviceConfig.EstUrl"/>, <see cref="DeviceConfig.EstLabel"/>).</summary>
        public DeviceConfig Config
        {
            get { return _config; }
        }

        /// <summary>The root CA notices' inbox.</summary>
        public RootCaNotices Notices
        {
            get { return _notices; }
        }

        /// <summary>Raised after the configuration changed (the EST issuer re-reads <see cref="Config"/>).</summary>
        public event EventHandler? ConfigChanged;

        /// <summary>At start: applies the kept renewal policy to the engine and hands a notice saved before a reboot or
        /// power cut to it. Returns that notice's outcome, or null.</summary>
        public NoticeOutcome? ResumePending()
        {
            try
            {
                _c.Engine.UpdatePolicy(_config.BuildPolicy());
            }
            catch (ArgumentException)
            {
                // Only valid policies are kept; one that no longer parses leaves the engine's own.
            }
            NoticeOutcome? outcome = _notices.ResumePending();
            if (outcome != null)
            {
                ReportNotice(outcome);
            }
            return outcome;
        }

        /// <summary>The next reported patch is the whole document (the device moved to another hub, whose twin has none of
        /// it). Call while no hub client uses the handlers.</summary>
        public void ForgetReported()
        {
            _reported.ForgetAccepted();
        }

        private void AddRoutes()
        {
            _router.Add(HubRouteKind.Message, RootCaNotice.MessageType, new HubRouteHandler(OnNoticeMessage));
            // Desired properties are applied in this order: a new operator key before a notice signed with it.
            _router.Add(HubRouteKind.Desired, OperatorKeyProperty, new HubRouteHandler(OnOperatorKey));
            _router.Add(HubRouteKind.Desired, RolloutProperty, new HubRouteHandler(OnRollout));
            _router.Add(HubRouteKind.Desired, PolicyProperty, new HubRouteHandler(OnPolicy));
            _router.Add(HubRouteKind.Desired, EstUrlProperty, new HubRouteHandler(OnEstUrl));
            _router.Add(HubRouteKind.Desired, EstLabelProperty, new HubRouteHandler(OnEstLabel));
            _router.Add(HubRouteKind.Desired, HubRootsProperty, new HubRouteHandler(OnHubRoots));
            _router.Add(HubRouteKind.Method, "checkNow", new HubRouteHandler(OnCheckNow));
            _router.Add(HubRouteKind.Method, "getHealth", new HubRouteHandler(OnGetHealth));
            _router.Add(HubRouteKind.Method, "reportNow", new HubRouteHandler(OnReportNow));
            _router.Add(HubRouteKind.Method, ReprovisionMethod, new HubRouteHandler(OnReprovision));
        }

        // ---- C2D --------------------------------------------------------------------------------------------

        /// <inheritdoc />
        public void OnMessage(HubMessage message)
        {
            string type = PropertyBagValue(message.Properties, "type");
            JsonLimits limits = JsonLimits.C2dMessage();
            JsonNode body;
            // Bounded before it is decoded: a 1 MB body costs nothing but this comparison.
            if (message.Body.Length > limits.MaxChars)
            {
                ReportMessage(type, "refused", "the message body is " + message.Body.Length.ToString() + " bytes; at most " + limits.MaxChars.ToString() + " are accepted");
                return;
            }
            try
            {
                body = JsonParser.Parse(Encoding.UTF8.GetString(message.Body, 0, message.Body.Length), limits);
            }
            catch (JsonException e)
            {
                ReportMessage(type, "refused", "the message body is not valid JSON: " + e.Message);
                return;
            }
            catch (Exception)
            {
                ReportMessage(type, "refused", "the message body is not UTF-8 text");
                return;
            }
            if (type.Length == 0 && body.Kind == JsonKind.Object && body.Get("type") != null && body.Get("type")!.Kind == JsonKind.String)
            {
                type = body.Get("type")!.Text;
            }
            HubRouteHandler? handler = _router.Find(HubRouteKind.Message, type);
            if (handler == null)
            {
                ReportMessage(type, "refused", "unknown message type '" + JsonParser.Printable(type) + "'");
                return;
            }
            var request = new HubRequest();
            request.Value = body;
            handler(request);
        }

        private void OnNoticeMessage(HubRequest request)
        {
            NoticeOutcome outcome = _notices.Receive(request.Value!, "c2d");
            ReportNotice(outcome);
            ReportMessage(RootCaNotice.MessageType, outcome.StatusText, outcome.Reason);
        }

        private void ReportNotice(NoticeOutcome outcome)
        {
            var w = new JsonWriter().BeginObject();
            w.Name("status").Value(outcome.StatusText);
            w.Name("reason").Value(outcome.Reason);
            w.Name("seq").Value(outcome.Sequence);
            w.Name("source").Value(outcome.Source);
            w.Name("lastAccepted").Value(_notices.LastSequence);
            _reported.Set(NoticeResult, w.EndObject().ToString());
        }

        private void ReportMessage(string type, string status, string reason)
        {
            var w = new JsonWriter().BeginObject();
            w.Name("type").Value(JsonParser.Printable(type));
            w.Name("status").Value(status);
            w.Name("reason").Value(reason);
            _reported.Set(LastMessage, w.EndObject().ToString());
        }

        /// <summary>The percent-decoded value of <paramref name="key"/> in a URL-encoded property bag, or empty.</summary>
        internal static string PropertyBagValue(string bag, string key)
        {
            string[] pairs = bag.Split('&');
            for (int i = 0; i < pairs.Length; i++)
            {
                int eq = pairs[i].IndexOf('=');
                if (eq > 0 && pairs[i].Substring(0, eq) == key)
                {
                    return PercentDecode(pairs[i].Substring(eq + 1));
                }
            }
            return "";
        }

        private static string PercentDecode(string s)
        {
            var sb = new StringBuilder();
            for (int i = 0; i < s.Length; i++)
            {
                char c = s[i];
                int hi, lo;
                if (c == '%' && i + 2 < s.Length && (hi = Hex(s[i + 1])) >= 0 && (lo = Hex(s[i + 2])) >= 0)
                {
                    sb.Append((char)(hi * 16 + lo));
                    i += 2;
                }
                else
                {
                    sb.Append(c == '+' ? ' ' : c);
                }
            }
            return sb.ToString();
        }

        private static int Hex(char c)
        {
            return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        }

        // ---- reported -----------------------------------------------------------------------------------------

        /// <inheritdoc />
        public string? TakeReportedPatch()
        {
            _health.Refresh(_reported, _c);
            return _reported.TakePatch();
        }

        /// <inheritdoc />
        public void ReportedPatchSent(bool accepted)
        {
            _reported.Sent(accepted);
        }
    }
}
