using System;
using System.Collections;
using System.Text;
using System.Threading;
using NfCerts.Hal;

namespace NfCerts.Core.Provisioning
{
    /// <summary>Waits <paramref name="span"/> between DPS requests (Thread.Sleep on the device; tests may record it).</summary>
    public delegate void DpsPause(TimeSpan span);

    /// <summary>
    /// The DPS device protocol over MQTT with X.509 attestation, as Learn's "Communicate with DPS using MQTT" gives it:
    /// client ID = registration ID = the leaf's CN, user name <c>{idScope}/registrations/{registrationId}/api-version=2019-03-31</c>,
    /// no password; subscribe <c>$dps/registrations/res/#</c>; publish <c>{"registrationId":"..."}</c> to
    /// <c>$dps/registrations/PUT/iotdps-register/?$rid={rid}</c>; on 202, wait retry-after and poll
    /// <c>$dps/registrations/GET/iotdps-get-operationstatus/?$rid={rid}&amp;operationId={id}</c> until 200.
    /// </summary>
    /// <remarks>
    /// <para><see cref="Register"/> is one blocking call, bounded by <see cref="DpsClientOptions.TotalTimeout"/> and
    /// <see cref="DpsClientOptions.MaxRequests"/>: call it from the runtime's worker, not from a timer callback that others
    /// share. It always disconnects before returning and never throws for what DPS or the network does.</para>
    /// <para>Memory: at most <see cref="MaxQueued"/> answers of at most <see cref="DpsReply.MaxAnswerBytes"/> are held; larger
    /// ones are refused unread.</para>
    /// </remarks>
    public sealed class DpsClient
    {
        /// <summary>The api-version DPS's MQTT user name carries.</summary>
        public const string ApiVersion = "2019-03-31";
        /// <summary>Answers held before older ones are dropped.</summary>
        public const int MaxQueued = 4;
        private const string Subscription = "$dps/registrations/res/#";

        private readonly IMqttTransport _mqtt;
        private readonly IClock _clock;
        private readonly DpsPause _pause;
        private readonly DpsClientOptions _options;
        private readonly ArrayList _inbox = new ArrayList();
        private readonly AutoResetEvent _arrived = new AutoResetEvent(false);
        private string _dropped = "";
        private bool _lost;
        private int _rid;

        /// <summary>Creates the client over an MQTT transport.</summary>
        public DpsClient(IMqttTransport mqtt, IClock clock, DpsPause pause, DpsClientOptions options)
        {
            if (mqtt == null || clock == null || pause == null || options == null)
            {
                throw new ArgumentNullException("mqtt");
            }
            _mqtt = mqtt;
            _clock = clock;
            _pause = pause;
            _options = options;
            _mqtt.MessageReceived += OnMessage;
            _mqtt.Disconnected += OnDisconnected;
        }

        /// <summary>Registers the device whose identity is <paramref name="chain"/> (leaf first, then intermediates) and
        /// <paramref name="key"/> with DPS at <paramref name="host"/>:<paramref name="port"/> under <paramref name="idScope"/>,
        /// trusting only <paramref name="roots"/> for the endpoint.</summary>
        public DpsResult Register(string host, int port, string idScope, byte[] chain, byte[] key, byte[][] roots)
        {
            string registrationId;
            try
            {
                registrationId = DpsIdentity.RegistrationIdOf(chain);
            }
            catch (Exception e)
            {
                return new DpsResult(DpsOutcome.BadIdentity, "identity certificate unusable for DPS: " + e.Message);
            }
            TimeSpan deadline = _clock.Uptime + _options.TotalTimeout;
            var counter = new int[1];
            DpsResult result;
            lock (_inbox)
            {
                _inbox.Clear();
                _lost = false;
                _dropped = "";
            }
            try
            {
                var o = new MqttConnectOptions();
                o.HostName = host;
                o.Port = port;
                o.ClientId = registrationId;
                o.Username = idScope + "/registrations/" + registrationId + "/api-version=" + ApiVersion;
                o.ClientCertificate = chain;
                o.ClientKey = key;
                o.TrustedRoots = roots;
                o.Timeout = _options.ReplyTimeout;
                _mqtt.Connect(o);
                _mqtt.Subscribe(Subscription, 1);
                result = Converse(registrationId, deadline, counter);
            }
            catch (MqttException e)
            {
                result = e.Failure == MqttFailure.Refused
                    ? new DpsResult(DpsOutcome.Refused, "DPS refused the connection (CONNACK " + e.ReturnCode.ToString() + "): " + e.Message)
                    : e.Failure == MqttFailure.Timeout
                        ? new DpsResult(DpsOutcome.Timeout, "DPS did not answer in time: " + e.Message)
                        : new DpsResult(DpsOutcome.Unavailable, "DPS unreachable: " + e.Message);
            }
            finally
            {
                _mqtt.Disconnect();
            }
            result.RegistrationId = registrationId;
            result.Requests = counter[0];
            return result;
        }

        private DpsResult Converse(string registrationId, TimeSpan deadline, int[] requests)
        {
            string operationId = "";
            Send(registrationId, operationId, requests);
            while (true)
            {
                DpsReply? reply;
                DpsResult? failure = Await(deadline, out reply);
                if (failure != null)
                {
                    return failure;
                }
                DpsReply r = reply!;
                if (r.Status == 202 || r.Status == 429)
                {
                    if (r.Status == 202)
                    {
                        if (operationId.Length > 0 && r.OperationId != operationId)
                        {
                            return Hostile("operationId changed from '" + operationId + "' to '" + r.OperationId + "'");
                        }
                        operationId = r.OperationId;
                    }
                    TimeSpan wait = r.RetryAfterSeconds < 0 ? _options.DefaultRetryAfter : TimeSpan.FromSeconds(r.RetryAfterSeconds);
                    if (wait < _options.MinRetryAfter)
                    {
                        wait = _options.MinRetryAfter;
                    }
                    DpsResult? stop = CanWait(r.Status, wait, deadline, requests[0]);
                    if (stop != null)
                    {
                        return stop;
                    }
                    _pause(wait);
                    // Before an operation exists (429 on the register itself) the register is sent again; after, the poll.
                    Send(registrationId, operationId, requests);
                    continue;
                }
                return Final(r, operationId);
            }
        }

        private DpsResult Final(DpsReply r, string operationId)
        {
            if (r.Status == 200)
            {
                if (operationId.Length > 0 && r.OperationId != operationId)
                {
                    return Hostile("operationId changed from '" + operationId + "' to '" + r.OperationId + "'");
                }
                if (r.OperationStatus == "assigned")
                {
                    var ok = new DpsResult(DpsOutcome.Assigned, "assigned to " + r.AssignedHub + " as " + r.DeviceId);
                    ok.AssignedHub = r.AssignedHub;
                    ok.DeviceId = r.DeviceId;
                    ok.Substatus = r.Substatus;
                    ok.LastUpdated = r.LastUpdated;
                    return ok;
                }
                var no = new DpsResult(r.OperationStatus == "disabled" ? DpsOutcome.Disabled : DpsOutcome.Refused,
                    "registration " + r.OperationStatus + Detail(r));
                no.ErrorCode = r.ErrorCode;
                return no;
            }
            DpsOutcome outcome = r.Status >= 500 && r.Status <= 599 ? DpsOutcome.Unavailable
                : r.Status >= 400 && r.Status <= 499 ? DpsOutcome.Refused : DpsOutcome.Hostile;
            var e = new DpsResult(outcome, "DPS answered " + r.Status.ToString() + Detail(r));
            e.ErrorCode = r.ErrorCode;
            return e;
        }

        private DpsResult? CanWait(int status, TimeSpan wait, TimeSpan deadline, int sent)
        {
            DpsResult? stop = null;
            if (sent >= _options.MaxRequests)
            {
                stop = new DpsResult(status == 429 ? DpsOutcome.Throttled : DpsOutcome.Timeout,
                    (status == 429 ? "throttled" : "still assigning") + " after " + sent.ToString() + " requests (the cap of one attempt)");
            }
            else if (wait > _options.MaxInlineWait)
            {
                stop = new DpsResult(status == 429 ? DpsOutcome.Throttled : DpsOutcome.Timeout,
                    (status == 429 ? "throttled" : "still assigning") + ": retry-after " + ((long)wait.TotalSeconds).ToString() + " s is longer than an attempt waits");
            }
            else if (_clock.Uptime + wait > deadline)
            {
                stop = new DpsResult(status == 429 ? DpsOutcome.Throttled : DpsOutcome.Timeout,
                    (status == 429 ? "throttled" : "still assigning") + ": retry-after " + ((long)wait.TotalSeconds).ToString() + " s goes beyond the attempt's time limit");
            }
            if (stop != null)
            {
                stop.RetryAfter = wait;
            }
            return stop;
        }

        // Waits for the answer to the current request ID; stale answers (other IDs) are skipped.
        private DpsResult? Await(TimeSpan deadline, out DpsReply? reply)
        {
            reply = null;
            string rid = _rid.ToString();
            while (true)
            {
                string topic = "";
                byte[]? body = null;
                bool lost;
                string dropped;
                lock (_inbox)
                {
                    if (_inbox.Count > 0)
                    {
                        var m = (object[])_inbox[0]!;
                        _inbox.RemoveAt(0);
                        topic = (string)m[0];
                        body = (byte[])m[1];
                    }
                    lost = _lost;
                    dropped = _dropped;
                    _dropped = "";
                }
                if (dropped.Length > 0)
                {
                    return Hostile(dropped);
                }
                if (body != null)
                {
                    int status;
                    string answerRid;
                    int retry;
                    if (!DpsReply.TryParseTopic(topic, out status, out answerRid, out retry) || answerRid != rid)
                    {
                        continue;
                    }
                    try
                    {
                        reply = DpsReply.Parse(topic, body);
                        return null;
                    }
                    catch (FormatException e)
                    {
                        return Hostile(e.Message);
                    }
                }
                if (lost)
                {
                    return new DpsResult(DpsOutcome.Unavailable, "DPS closed the connection");
                }
                TimeSpan left = deadline - _clock.Uptime;
                TimeSpan wait = left < _options.ReplyTimeout ? left : _options.ReplyTimeout;
                if (wait <= TimeSpan.Zero || !_arrived.WaitOne((int)wait.TotalMilliseconds, false))
                {
                    lock (_inbox)
                    {
                        if (_inbox.Count > 0 || _lost)
                        {
                            continue;
                        }
                    }
                    return new DpsResult(DpsOutcome.Timeout, "no answer from DPS to request " + rid + " in time");
                }
            }
        }

        // The register request while there is no operation yet, else the status poll; each with a fresh request ID.
        private void Send(string registrationId, string operationId, int[] requests)
        {
            _rid++;
            requests[0]++;
            if (operationId.Length == 0)
            {
                _mqtt.Publish("$dps/registrations/PUT/iotdps-register/?$rid=" + _rid.ToString(),
                    Encoding.UTF8.GetBytes("{\"registrationId\":\"" + registrationId + "\"}"), 1);
            }
            else
            {
                _mqtt.Publish("$dps/registrations/GET/iotdps-get-operationstatus/?$rid=" + _rid.ToString() + "&operationId=" + operationId,
                    new byte[0], 1);
            }
        }

        private static string Detail(DpsReply r)
        {
            string s = "";
            if (r.ErrorCode != 0)
            {
                s = " (error " + r.ErrorCode.ToString() + ")";
            }
            return r.ErrorMessage.Length > 0 ? s + ": " + r.ErrorMessage : s;
        }

        private static DpsResult Hostile(string why)
        {
            return new DpsResult(DpsOutcome.Hostile, "DPS answer refused: " + why);
        }

        private void OnMessage(object sender, string topic, byte[] body)
        {
            lock (_inbox)
            {
                if (body != null && body.Length > DpsReply.MaxAnswerBytes)
                {
                    _dropped = "answer of " + body.Length.ToString() + " bytes is over the " + DpsReply.MaxAnswerBytes.ToString() + "-byte limit";
                }
                else
                {
                    if (_inbox.Count >= MaxQueued)
                    {
                        _inbox.RemoveAt(0);
                    }
                    _inbox.Add(new object[] { topic, body ?? new byte[0] });
                }
            }
            _arrived.Set();
        }

        private void OnDisconnected(object sender, string reason)
        {
            lock (_inbox)
            {
                _lost = true;
            }
            _arrived.Set();
        }
    }
}
