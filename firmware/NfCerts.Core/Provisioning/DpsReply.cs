using System;
using System.Collections;

namespace NfCerts.Core.Provisioning
{
    /// <summary>One answer of DPS on <c>$dps/registrations/res/{status}/?$rid={rid}[&amp;retry-after={s}]</c>, checked.</summary>
    /// <remarks>
    /// Bodies, as Learn's "Communicate with DPS using MQTT" and the device REST API describe them: a 202 carries
    /// <c>{"operationId":..,"status":"assigning"}</c>; a 200 the RegistrationOperationStatus with <c>registrationState</c>
    /// (<c>registrationId, assignedHub, deviceId, status, substatus, createdDateTimeUtc, lastUpdatedDateTimeUtc, etag,
    /// errorCode, errorMessage</c>); an error status <c>{"errorCode":..,"message":..,"trackingId":..}</c>.
    /// </remarks>
    public sealed class DpsReply
    {
        /// <summary>Response topic prefix.</summary>
        public const string TopicPrefix = "$dps/registrations/res/";

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
                r.ReadOperation(DpsJson.ParseObject(body));
            }
            else if (body != null && body.Length > 0)
            {
                // Error bodies are informative only: a status that is already an error stays one even when its body is junk.
                try
                {
                    Hashtable error = DpsJson.ParseObject(body);
                    r.ErrorCode = DpsJson.GetInteger(error, "errorCode", 0);
                    r.ErrorMessage = DpsJson.GetString(error, "message") ?? "";
                }
                catch (FormatException e)
                {
                    r.ErrorMessage = "(unreadable error body: " + e.Message + ")";
                }
            }
            return r;
        }

        private void ReadOperation(Hashtable op)
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
            Hashtable? state = DpsJson.GetObject(op, "registrationState");
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
            ErrorCode = DpsJson.GetInteger(state, "errorCode", 0);
            ErrorMessage = DpsJson.GetString(state, "errorMessage") ?? "";
            LastUpdated = DpsJson.GetString(state, "lastUpdatedDateTimeUtc") ?? "";
            if (OperationStatus != "assigned")
            {
                return;
            }
            AssignedHub = Required(state, "assignedHub");
            DeviceId = Required(state, "deviceId");
            Substatus = DpsJson.GetString(state, "substatus") ?? "";
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

        private static string Required(Hashtable obj, string name)
        {
            string? v = DpsJson.GetString(obj, name);
            if (v == null || v.Length == 0)
            {
                throw new FormatException("missing '" + name + "'");
            }
            return v;
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
