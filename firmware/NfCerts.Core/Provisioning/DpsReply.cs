using System;
using System.Text;
using NfCerts.Core.Json;

namespace NfCerts.Core.Provisioning
{
    /// <summary>One answer of DPS on <c>$dps/registrations/res/{status}/?$rid={rid}[&amp;retry-after={s}]</c>, checked.</summary>
    /// <remarks>
    /// Bodies, as Learn's "Communicate with DPS using MQTT" and the device REST API describe them: a 202 carries
    /// <c>{"operationId":..,"status":"assigning"}</c>; a 200 the RegistrationOperationStatus with <c>registrationState</c>
    /// (<c>registrationId, assignedHub, deviceId, status, substatus, createdDateTimeUtc, lastUpdatedDateTimeUtc, etag,
    /// errorCode, errorMessage</c>); an error status <c>{"errorCode":..,"message":..,"trackingId":..}</c>.
    /// <para>Read with the core's <see cref="JsonParser"/> under <see cref="JsonLimits.DpsAnswer"/>: a body over
    /// <see cref="MaxAnswerBytes"/> is refused before it is decoded; duplicate names are refused (a second <c>status</c>
    /// must not be able to override the first).</para>
    /// </remarks>
    public sealed class DpsReply
    {
        /// <summary>Response topic prefix.</summary>
        public const string TopicPrefix = "$dps/registrations/res/";
        /// <summary>Largest answer read, in bytes (a DPS registration answer is well under 2 KiB).</summary>
        public const int MaxAnswerBytes = 4096;

        private DpsReply()
        {
        }

        /// <summary>HTTP-like status from the topic (200, 202, 401, 429, ...).</summary>
        public int Status { get; private set; }
        /// <summary>The request ID the answer is for.</summary>
        public string RequestId { get; private set; } = "";
        /// <summary>Seconds from the topic's <c>retry-after</c>, or -1 when there is none.</summary>
        public int RetryAfterSeconds { get; private set; } = -1;
        /// <summary>The operation to poll (202 and 200).</summary>
        public string OperationId { get; private set; } = "";
        /// <summary>The operation's status: assigning, assigned, failed, disabled or unassigned.</summary>
        public string OperationStatus { get; private set; } = "";
        /// <summary>The IoT hub's host name (assigned only).</summary>
        public string AssignedHub { get; private set; } = "";
        /// <summary>The device ID in the hub (assigned only).</summary>
        public string DeviceId { get; private set; } = "";
        /// <summary>initialAssignment, deviceDataMigrated, deviceDataReset or reprovisionedToInitialAssignment (assigned only).</summary>
        public string Substatus { get; private set; } = "";
        /// <summary>When DPS last updated the registration, as DPS wrote it (ISO 8601 UTC).</summary>
        public string LastUpdated { get; private set; } = "";
        /// <summary>DPS's error code (failed, disabled and error statuses), else 0.</summary>
        public long ErrorCode { get; private set; }
        /// <summary>DPS's error message, else empty.</summary>
        public string ErrorMessage { get; private set; } = "";

        /// <summary>Reads the status, request ID and retry-after of a response topic; false for any other topic.</summary>
        public static bool TryParseTopic(string topic, out int status, out string requestId, out int retryAfterSeconds)
        {
            status = 0;
            requestId = "";
            retryAfterSeconds = -1;
            if (topic == null || !topic.StartsWith(TopicPrefix))
            {
                return false;
            }
            int slash = topic.IndexOf('/', TopicPrefix.Length);
            if (slash < 0 || slash == TopicPrefix.Length || slash - TopicPrefix.Length > 3)
            {
                return false;
            }
            int code = 0;
            for (int i = TopicPrefix.Length; i < slash; i++)
            {
                char c = topic[i];
                if (c < '0' || c > '9')
                {
                    return false;
                }
                code = code * 10 + (c - '0');
            }
            if (slash + 1 >= topic.Length || topic[slash + 1] != '?')
            {
                return false;
            }
            string[] pairs = topic.Substring(slash + 2).Split('&');
            for (int i = 0; i < pairs.Length; i++)
            {
                int eq = pairs[i].IndexOf('=');
                string name = eq < 0 ? pairs[i] : pairs[i].Substring(0, eq);
                string value = eq < 0 ? "" : pairs[i].Substring(eq + 1);
                if (name == "$rid")
                {
                    requestId = value;
                }
                else if (name == "retry-after")
                {
                    retryAfterSeconds = ParseSeconds(value);
                }
            }
            status = code;
            return true;
        }

        /// <summary>Reads an answer.</summary>
        /// <exception cref="FormatException">The topic is not a DPS response, or the body is not what its status requires:
        /// malformed JSON, a missing or mistyped field, an unknown status, an assigned hub that is not a host name.</exception>
        public static DpsReply Parse(string topic, byte[] body)
        {
            var r = new DpsReply();
            int status;
            string rid;
            int retry;
            if (!TryParseTopic(topic, out status, out rid, out retry))
            {
                throw new FormatException("not a DPS response topic");
            }
            r.Status = status;
            r.RequestId = rid;
            r.RetryAfterSeconds = retry;
            if (status == 200 || status == 202)
            {
                r.ReadOperation(ParseObject(body));
            }
            else if (body != null && body.Length > 0)
            {
                // Error bodies are informative only: a status that is already an error stays one even when its body is junk.
                try
                {
                    JsonNode error = ParseObject(body);
                    r.ErrorCode = GetInteger(error, "errorCode", 0);
                    r.ErrorMessage = GetString(error, "message") ?? "";
                }
                catch (FormatException e)
                {
                    r.ErrorMessage = "(unreadable error body: " + e.Message + ")";
                }
            }
            return r;
        }

        private void ReadOperation(JsonNode op)
        {
            OperationId = Required(op, "operationId");
            if (!IsSafeOperationId(OperationId))
            {
                throw new FormatException("operationId is longer than 128 characters or holds a character other than a-z A-Z 0-9 . - _");
            }
            OperationStatus = Required(op, "status");
            if (!IsKnownStatus(OperationStatus))
            {
                throw new FormatException("unknown operation status '" + OperationStatus + "'");
            }
            JsonNode? state = GetObject(op, "registrationState");
            if (Status == 202)
            {
                return;
            }
            if (OperationStatus == "assigning")
            {
                throw new FormatException("status 200 with operation still 'assigning'");
            }
            if (state == null)
            {
                throw new FormatException("status 200 without a registrationState");
            }
            string stateStatus = Required(state, "status");
            if (stateStatus != OperationStatus)
            {
                throw new FormatException("registrationState status '" + stateStatus + "' differs from operation status '" + OperationStatus + "'");
            }
            ErrorCode = GetInteger(state, "errorCode", 0);
            ErrorMessage = GetString(state, "errorMessage") ?? "";
            LastUpdated = GetString(state, "lastUpdatedDateTimeUtc") ?? "";
            if (OperationStatus != "assigned")
            {
                return;
            }
            AssignedHub = Required(state, "assignedHub");
            DeviceId = Required(state, "deviceId");
            Substatus = GetString(state, "substatus") ?? "";
            if (!HostNames.IsHostName(AssignedHub))
            {
                throw new FormatException("assignedHub '" + AssignedHub + "' is not a host name");
            }
            if (!IsValidDeviceId(DeviceId))
            {
                throw new FormatException("deviceId '" + DeviceId + "' is not a valid IoT Hub device ID");
            }
        }

        /// <summary>True for the operation and registration statuses DPS documents.</summary>
        public static bool IsKnownStatus(string status)
        {
            return status == "assigning" || status == "assigned" || status == "failed" || status == "disabled" || status == "unassigned";
        }

        /// <summary>True for an IoT Hub device ID: 1-128 ASCII letters, digits and <c>- . % _ * ? ! ( ) , : = @ $ '</c>.</summary>
        public static bool IsValidDeviceId(string id)
        {
            if (id.Length < 1 || id.Length > 128)
            {
                return false;
            }
            for (int i = 0; i < id.Length; i++)
            {
                char c = id[i];
                bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-.%_*?!(),:=@$'".IndexOf(c) >= 0;
                if (!ok)
                {
                    return false;
                }
            }
            return true;
        }

        // The operation ID goes back into a topic: no '/', '#', '+', '&' or anything else that would change it.
        private static bool IsSafeOperationId(string id)
        {
            if (id.Length > 128)
            {
                return false;
            }
            for (int i = 0; i < id.Length; i++)
            {
                char c = id[i];
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'))
                {
                    return false;
                }
            }
            return true;
        }

        private static string Required(JsonNode obj, string name)
        {
            string? v = GetString(obj, name);
            if (v == null || v.Length == 0)
            {
                throw new FormatException("missing '" + name + "'");
            }
            return v;
        }

        /// <summary>Parses a UTF-8 answer whose top level is an object.</summary>
        /// <exception cref="FormatException">Empty, too large, not UTF-8, malformed, over a limit, or not an object.</exception>
        public static JsonNode ParseObject(byte[] utf8)
        {
            if (utf8 == null || utf8.Length == 0)
            {
                throw new FormatException("empty answer where a JSON object was expected");
            }
            if (utf8.Length > MaxAnswerBytes)
            {
                throw new FormatException("answer of " + utf8.Length.ToString() + " bytes is over the " + MaxAnswerBytes.ToString() + "-byte limit");
            }
            string text;
            try
            {
                text = Encoding.UTF8.GetString(utf8, 0, utf8.Length);
            }
            catch (Exception)
            {
                throw new FormatException("answer is not UTF-8");
            }
            JsonNode root;
            try
            {
                root = JsonParser.Parse(text, JsonLimits.DpsAnswer());
            }
            catch (JsonException e)
            {
                throw new FormatException("malformed JSON: " + e.Message);
            }
            if (root.Kind != JsonKind.Object)
            {
                throw new FormatException("answer is JSON but not an object");
            }
            return root;
        }

        private static string? GetString(JsonNode obj, string name)
        {
            JsonNode? v = obj.Get(name);
            if (v == null || v.Kind == JsonKind.Null)
            {
                return null;
            }
            if (v.Kind != JsonKind.String)
            {
                throw new FormatException("'" + name + "' is not a string");
            }
            return v.Text;
        }

        private static JsonNode? GetObject(JsonNode obj, string name)
        {
            JsonNode? v = obj.Get(name);
            if (v == null || v.Kind == JsonKind.Null)
            {
                return null;
            }
            if (v.Kind != JsonKind.Object)
            {
                throw new FormatException("'" + name + "' is not an object");
            }
            return v;
        }

        private static long GetInteger(JsonNode obj, string name, long absent)
        {
            JsonNode? v = obj.Get(name);
            if (v == null || v.Kind == JsonKind.Null)
            {
                return absent;
            }
            long n;
            if (!v.TryGetLong(-9000000000000000L, 9000000000000000L, out n))
            {
                throw new FormatException("'" + name + "' is not an integer");
            }
            return n;
        }

        private static int ParseSeconds(string value)
        {
            if (value.Length == 0 || value.Length > 6)
            {
                return -1;
            }
            int n = 0;
            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                if (c < '0' || c > '9')
                {
                    return -1;
                }
                n = n * 10 + (c - '0');
            }
            return n;
        }
    }
}
