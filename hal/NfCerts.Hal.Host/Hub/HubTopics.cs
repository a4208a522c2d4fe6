using System;
using System.Collections.Generic;
using System.Text;

namespace NfCerts.Hal.Host.Hub
{
    /// <summary>What an IoT Hub device-protocol topic is, in either direction.</summary>
    public enum HubTopicKind
    {
        /// <summary>Not an IoT Hub device topic.</summary>
        Unknown,
        /// <summary><c>devices/{id}/messages/devicebound/{properties}</c>: a cloud-to-device message (hub to device).</summary>
        CloudToDevice,
        /// <summary><c>devices/{id}/messages/events/{properties}</c>: a device-to-cloud message (device to hub).</summary>
        DeviceToCloud,
        /// <summary><c>$iothub/twin/GET/?$rid=</c>: the device asks for its twin.</summary>
        TwinGet,
        /// <summary><c>$iothub/twin/PATCH/properties/reported/?$rid=</c>: the device patches reported properties.</summary>
        TwinPatchReported,
        /// <summary><c>$iothub/twin/res/{status}/?$rid=</c>: the hub answers a twin request.</summary>
        TwinResponse,
        /// <summary><c>$iothub/twin/PATCH/properties/desired/?$version=</c>: the hub pushes a desired-properties patch.</summary>
        DesiredPatch,
        /// <summary><c>$iothub/methods/POST/{name}/?$rid=</c>: the hub calls a direct method.</summary>
        MethodRequest,
        /// <summary><c>$iothub/methods/res/{status}/?$rid=</c>: the device answers a direct method.</summary>
        MethodResponse,
    }

    /// <summary>A parsed topic: its kind, the device ID or method name or status in its path, and its query (property bag).</summary>
    public sealed class HubTopic
    {
        internal HubTopic(HubTopicKind kind, string name, int status, string query)
        {
            Kind = kind;
            Name = name;
            Status = status;
            Query = query;
        }

        /// <summary>What the topic is.</summary>
        public HubTopicKind Kind { get; }

        /// <summary>The device ID (C2D, D2C) or the method name (method request), else empty.</summary>
        public string Name { get; }

        /// <summary>The status of a twin or method response, else 0.</summary>
        public int Status { get; }

        /// <summary>The raw, still URL-encoded query or property bag (without a leading <c>?</c>), possibly empty.</summary>
        public string Query { get; }

        /// <summary>A query parameter, decoded (<c>$rid</c>, <c>$version</c>, ...), or null.</summary>
        public string? Get(string key)
        {
            HubTopics.ParseQuery(Query).TryGetValue(key, out string? value);
            return value;
        }
    }

    /// <summary>
    /// The IoT Hub MQTT device topics (Learn: "Communicate with an IoT hub using MQTT"): a small table from topic shape to
    /// kind, and the URL-encoded property bags they carry. Used by the host transport and by the hub emulator.
    /// </summary>
    public static class HubTopics
    {
        /// <summary>Twin responses.</summary>
        public const string TwinResponseFilter = "$iothub/twin/res/#";
        /// <summary>Desired-property patches.</summary>
        public const string DesiredFilter = "$iothub/twin/PATCH/properties/desired/#";
        /// <summary>Direct method requests.</summary>
        public const string MethodFilter = "$iothub/methods/POST/#";

        private const string TwinGetPrefix = "$iothub/twin/GET/";
        private const string ReportedPrefix = "$iothub/twin/PATCH/properties/reported/";
        private const string TwinResPrefix = "$iothub/twin/res/";
        private const string DesiredPrefix = "$iothub/twin/PATCH/properties/desired/";
        private const string MethodPostPrefix = "$iothub/methods/POST/";
        private const string MethodResPrefix = "$iothub/methods/res/";

        /// <summary>C2D messages of <paramref name="deviceId"/>.</summary>
        public static string C2dFilter(string deviceId) => "devices/" + deviceId + "/messages/devicebound/#";

        /// <summary>A C2D topic with its property bag.</summary>
        public static string C2d(string deviceId, string properties) => "devices/" + deviceId + "/messages/devicebound/" + properties;

        /// <summary>A D2C topic with its property bag.</summary>
        public static string Events(string deviceId, string properties) => "devices/" + deviceId + "/messages/events/" + properties;

        /// <summary>Twin GET request.</summary>
        public static string TwinGet(string rid) => TwinGetPrefix + "?$rid=" + rid;

        /// <summary>Reported-properties patch request.</summary>
        public static string PatchReported(string rid) => ReportedPrefix + "?$rid=" + rid;

        /// <summary>Twin response; <paramref name="version"/> only for an accepted reported patch.</summary>
        public static string TwinResponse(int status, string rid, int version = -1)
            => TwinResPrefix + status + "/?$rid=" + rid + (version >= 0 ? "&$version=" + version : "");

        /// <summary>Desired-properties patch pushed by the hub.</summary>
        public static string DesiredPatch(int version) => DesiredPrefix + "?$version=" + version;

        /// <summary>Direct method request.</summary>
        public static string MethodRequest(string name, string rid) => MethodPostPrefix + name + "/?$rid=" + rid;

        /// <summary>Direct method response.</summary>
        public static string MethodResponse(int status, string rid) => MethodResPrefix + status + "/?$rid=" + rid;

        /// <summary>Recognises <paramref name="topic"/>; <see cref="HubTopicKind.Unknown"/> for anything else.</summary>
        public static HubTopic Parse(string topic)
        {
            ArgumentNullException.ThrowIfNull(topic);
            if (topic.StartsWith("devices/", StringComparison.Ordinal))
            {
                return ParseDeviceTopic(topic);
            }
            if (topic.StartsWith(TwinGetPrefix, StringComparison.Ordinal))
            {
                return Shaped(HubTopicKind.TwinGet, topic.Substring(TwinGetPrefix.Length), "", 0);
            }
            if (topic.StartsWith(ReportedPrefix, StringComparison.Ordinal))
            {
                return Shaped(HubTopicKind.TwinPatchReported, topic.Substring(ReportedPrefix.Length), "", 0);
            }
            if (topic.StartsWith(DesiredPrefix, StringComparison.Ordinal))
            {
                return Shaped(HubTopicKind.DesiredPatch, topic.Substring(DesiredPrefix.Length), "", 0);
            }
            if (topic.StartsWith(TwinResPrefix, StringComparison.Ordinal))
            {
                return WithSegment(HubTopicKind.TwinResponse, topic.Substring(TwinResPrefix.Length), status: true);
            }
            if (topic.StartsWith(MethodPostPrefix, StringComparison.Ordinal))
            {
                return WithSegment(HubTopicKind.MethodRequest, topic.Substring(MethodPostPrefix.Length), status: false);
            }
            if (topic.StartsWith(MethodResPrefix, StringComparison.Ordinal))
            {
                return WithSegment(HubTopicKind.MethodResponse, topic.Substring(MethodResPrefix.Length), status: true);
            }
            return Unknown;
        }

        private static readonly HubTopic Unknown = new HubTopic(HubTopicKind.Unknown, "", 0, "");

        private static HubTopic ParseDeviceTopic(string topic)
        {
            // devices/{id}/messages/{devicebound|events}/{bag}
            int idEnd = topic.IndexOf('/', "devices/".Length);
            if (idEnd < 0)
            {
                return Unknown;
            }
            string id = topic.Substring("devices/".Length, idEnd - "devices/".Length);
            string rest = topic.Substring(idEnd);
            foreach (var (suffix, kind) in new[] { ("/messages/devicebound", HubTopicKind.CloudToDevice), ("/messages/events", HubTopicKind.DeviceToCloud) })
            {
                if (rest == suffix || rest == suffix + "/")
                {
                    return id.Length == 0 ? Unknown : new HubTopic(kind, id, 0, "");
                }
                if (rest.StartsWith(suffix + "/", StringComparison.Ordinal))
                {
                    string bag = rest.Substring(suffix.Length + 1);
                    return id.Length == 0 || bag.Contains('/') ? Unknown : new HubTopic(kind, id, 0, bag);
                }
            }
            return Unknown;
        }

        /// <summary>A topic whose remainder must be <c>?query</c> (or empty).</summary>
        private static HubTopic Shaped(HubTopicKind kind, string rest, string name, int status)
        {
            if (rest.Length == 0)
            {
                return new HubTopic(kind, name, status, "");
            }
            return rest[0] == '?' ? new HubTopic(kind, name, status, rest.Substring(1)) : Unknown;
        }

        /// <summary>A topic with one path segment (a status or a method name) before <c>/?query</c>.</summary>
        private static HubTopic WithSegment(HubTopicKind kind, string rest, bool status)
        {
            int slash = rest.IndexOf('/');
            if (slash <= 0)
            {
                return Unknown;
            }
            string segment = rest.Substring(0, slash);
            if (status)
            {
                if (!int.TryParse(segment, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int code))
                {
                    return Unknown;
                }
                return Shaped(kind, rest.Substring(slash + 1), "", code);
            }
            return Shaped(kind, rest.Substring(slash + 1), segment, 0);
        }

        /// <summary>Decodes a URL-encoded bag (<c>a=1&amp;b=x%20y</c>); a key without <c>=</c> has an empty value, later
        /// duplicates win.</summary>
        public static Dictionary<string, string> ParseQuery(string query)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            if (string.IsNullOrEmpty(query))
            {
                return result;
            }
            foreach (string pair in query.Split('&'))
            {
                if (pair.Length == 0)
                {
                    continue;
                }
                int eq = pair.IndexOf('=');
                string key = Uri.UnescapeDataString(eq < 0 ? pair : pair.Substring(0, eq));
                string value = eq < 0 ? "" : Uri.UnescapeDataString(pair.Substring(eq + 1).Replace('+', ' '));
                result[key] = value;
            }
            return result;
        }

        /// <summary>Encodes a property bag in order (<c>$</c> of system properties as <c>%24</c>, as the hub writes it).</summary>
        public static string EncodeQuery(IEnumerable<KeyValuePair<string, string>> properties)
        {
            var text = new StringBuilder();
            foreach (var pair in properties)
            {
                if (text.Length > 0)
                {
                    text.Append('&');
                }
                text.Append(Uri.EscapeDataString(pair.Key)).Append('=').Append(Uri.EscapeDataString(pair.Value ?? ""));
            }
            return text.ToString();
        }
    }
}
