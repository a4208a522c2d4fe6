using System;
using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using NfCerts.Core.Provisioning;
using NfCerts.Emulators.Pki;
using NfCerts.Hal;
using NfCerts.Hal.Host.Mqtt;
using NfCerts.Tests.Contracts;
using Xunit;

namespace NfCerts.Tests.Dps;

/// <summary>A device that speaks the DPS protocol by hand over the host transport, to ask what the core client never
/// would (a registration ID that is not its CN).</summary>
internal static class RawDpsDevice
{
    public static string Register(DpsWorld w, DevCredential identity, string claimedId)
    {
        using var mqtt = new MqttNetTransport();
        var answers = new BlockingCollection<(string Topic, byte[] Body)>();
        mqtt.MessageReceived += (_, topic, body) => answers.Add((topic, body));
        var chain = new byte[identity.Der.Length + w.DeviceIssuing.Der.Length];
        identity.Der.CopyTo(chain, 0);
        w.DeviceIssuing.Der.CopyTo(chain, identity.Der.Length);
        mqtt.Connect(new MqttConnectOptions
        {
            HostName = "localhost",
            Port = w.Dps.Port,
            ClientId = claimedId,
            Username = w.Dps.IdScope + "/registrations/" + claimedId + "/api-version=2019-03-31",
            ClientCertificate = chain,
            ClientKey = identity.Certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKey(),
            TrustedRoots = new[] { w.ServerRoot.Der },
        });
        mqtt.Subscribe("$dps/registrations/res/#", 1);
        mqtt.Publish("$dps/registrations/PUT/iotdps-register/?$rid=1", Encoding.UTF8.GetBytes("{\"registrationId\":\"" + claimedId + "\"}"), 1);
        Assert.True(answers.TryTake(out var accepted, RealTime.Limit));
        var first = DpsReply.Parse(accepted.Topic, accepted.Body);
        Assert.Equal(202, first.Status);
        System.Threading.Thread.Sleep(TimeSpan.FromSeconds(Math.Max(1, first.RetryAfterSeconds)));
        mqtt.Publish("$dps/registrations/GET/iotdps-get-operationstatus/?$rid=2&operationId=" + first.OperationId, Array.Empty<byte>(), 1);
        Assert.True(answers.TryTake(out var final, RealTime.Limit));
        var reply = DpsReply.Parse(final.Topic, final.Body);
        Assert.Equal(200, reply.Status);
        Assert.Equal("failed", reply.OperationStatus);
        mqtt.Disconnect();
        return reply.ErrorMessage;
    }
}
