using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using NfCerts.Core.Provisioning;
using NfCerts.Hal;

namespace NfCerts.Tests.Dps;

/// <summary>A misbehaving DPS behind the MQTT contract: answers each register or poll publish, on the transport's own
/// thread as a real connection would, with the next scripted (status, body); the request ID and a retry-after of 1 s are
/// filled in. It counts what the device sent.</summary>
internal sealed class ScriptedDps : IMqttTransport
{
    private readonly Queue<(string Status, string Body)> _script = new();
    public int Publishes;
    /// <summary>True: answer on the publisher's own thread, before Publish returns (a DPS on the virtual clock, for tests
    /// that must be deterministic).</summary>
    public bool Inline;
    public List<string> Topics { get; } = new();
    public bool IsConnected { get; private set; }
    public event MqttMessageHandler? MessageReceived;
    public event MqttDisconnectedHandler? Disconnected;

    public ScriptedDps Then(string status, string body)
    {
        _script.Enqueue((status, body));
        return this;
    }

    public void Connect(MqttConnectOptions options) => IsConnected = true;

    public void Subscribe(string topicFilter, int qos)
    {
    }

    public void Publish(string topic, byte[] body, int qos)
    {
        Publishes++;
        Topics.Add(topic);
        int at = topic.IndexOf("$rid=", StringComparison.Ordinal) + 5;
        int end = topic.IndexOf('&', at);
        string rid = end < 0 ? topic[at..] : topic[at..end];
        if (_script.Count == 0)
        {
            return;
        }
        var (status, answer) = _script.Dequeue();
        if (status == "drop")
        {
            Answer(() => Disconnected?.Invoke(this, "reset"));
            return;
        }
        string t = "$dps/registrations/res/" + status + "/?$rid=" + rid + (status == "202" || status == "429" ? "&retry-after=1" : "");
        Answer(() => MessageReceived?.Invoke(this, t, Encoding.UTF8.GetBytes(answer)));
    }

    public void Disconnect() => IsConnected = false;

    private void Answer(ThreadStart answer)
    {
        if (Inline)
        {
            answer();
        }
        else
        {
            new Thread(answer).Start();
        }
    }

    public static string Assigned(string hub, string deviceId = "device-001", string op = "op1")
        => "{\"operationId\":\"" + op + "\",\"status\":\"assigned\",\"registrationState\":{\"registrationId\":\"device-001\",\"assignedHub\":\""
           + hub + "\",\"deviceId\":\"" + deviceId + "\",\"status\":\"assigned\",\"substatus\":\"initialAssignment\",\"lastUpdatedDateTimeUtc\":\"2026-12-01T10:00:00Z\"}}";

    public const string Assigning = "{\"operationId\":\"op1\",\"status\":\"assigning\"}";
}
