using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using NfCerts.Tests.Contracts;
using Xunit;

namespace NfCerts.Tests.HubEmulator
{
    /// <summary>The emulator against MQTT clients nobody here wrote: mosquitto_sub and mosquitto_pub (mosquitto-clients,
    /// installed by test.sh) with TLS client certificates, MQTT 3.1.1, the IoT Hub username and topics.</summary>
    public sealed class EmulatorMosquittoTests
    {
        private static readonly TimeSpan ProcessLimit = TimeSpan.FromSeconds(60);

        private static List<string> Common(HubFixture hub, HubDeviceCredential device, string dir)
        {
            File.WriteAllText(Path.Combine(dir, "hub-root.pem"), hub.HubRoot.Pem);
            // The device's chain file: leaf, then the intermediate (OpenSSL sends both).
            File.WriteAllText(Path.Combine(dir, "device.pem"), string.Join("\n", new[] { device.Leaf.Pem }.Concat(device.Intermediates.Select(i => i.Pem))) + "\n");
            string key = Path.Combine(dir, "device.key");
            File.WriteAllText(key, device.Leaf.KeyPem);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            return new List<string>
            {
                "-h", "localhost", "-p", hub.Hub.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-V", "mqttv311", "--cafile", Path.Combine(dir, "hub-root.pem"),
                "--cert", Path.Combine(dir, "device.pem"), "--key", key,
                "-i", device.DeviceId, "-c",
                "-u", "localhost/" + device.DeviceId + "/?api-version=2021-04-12&DeviceClientType=mosquitto%2F2.0.11", "-P", "",
            };
        }

        private static Process Start(string program, IEnumerable<string> arguments, StringBuilder output)
        {
            var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }
            var process = Process.Start(info)!;
            process.OutputDataReceived += (_, e) => { if (e.Data != null) { lock (output) { output.AppendLine(e.Data); } } };
            process.ErrorDataReceived += (_, e) => { if (e.Data != null) { lock (output) { output.AppendLine(e.Data); } } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return process;
        }

        private static async Task<string> RunAsync(string program, IEnumerable<string> arguments)
        {
            var output = new StringBuilder();
            using Process process = Start(program, arguments, output);
            using var limit = new System.Threading.CancellationTokenSource(ProcessLimit);
            await process.WaitForExitAsync(limit.Token);
            process.WaitForExit();
            lock (output)
            {
                Assert.True(process.ExitCode == 0, program + " exited with " + process.ExitCode + ":\n" + output);
                return output.ToString();
            }
        }

        [Fact]
        public async Task Mosquitto_sub_receives_a_C2D_message_on_the_device_topic()
        {
            await using HubFixture hub = await HubFixture.StartAsync();
            HubDeviceCredential device = await hub.AddDeviceAsync("mosq-1");
            List<string> arguments = Common(hub, device, hub.Directory);
            arguments.AddRange(new[] { "-t", "devices/mosq-1/messages/devicebound/#", "-q", "1", "-C", "1", "-W", "50", "-v" });
            var output = new StringBuilder();
            using Process sub = Start("mosquitto_sub", arguments, output);
            Assert.True(RealTime.Eventually(() => hub.Log.Any(l => l.Contains("subscribed mosq-1: devices/mosq-1/messages/devicebound/#"))),
                "mosquitto_sub did not subscribe:\n" + output + string.Join("\n", hub.Log));

            await hub.Hub.SendC2dAsync("mosq-1", Encoding.UTF8.GetBytes("{\"hello\":\"mosquitto\"}"), new Dictionary<string, string> { ["kind"] = "greeting" });
            using var limit = new System.Threading.CancellationTokenSource(ProcessLimit);
            await sub.WaitForExitAsync(limit.Token);

            Assert.Equal(0, sub.ExitCode);
            string line = output.ToString().Trim();
            Assert.StartsWith("devices/mosq-1/messages/devicebound/kind=greeting&%24.mid=", line);
            Assert.EndsWith(" {\"hello\":\"mosquitto\"}", line);
            Assert.True(RealTime.Eventually(() => hub.Hub.Counters.C2dCompleted == 1), "mosquitto_sub's PUBACK did not complete the message");
        }

        [Fact]
        public async Task Mosquitto_pub_patches_reported_properties_and_gets_204_with_the_new_version()
        {
            await using HubFixture hub = await HubFixture.StartAsync();
            HubDeviceCredential device = await hub.AddDeviceAsync("mosq-1");
            // A persistent session that holds the twin-response subscription (clean session false)...
            List<string> subscribe = Common(hub, device, hub.Directory);
            subscribe.AddRange(new[] { "-t", "$iothub/twin/res/#", "-q", "1", "-E" });
            await RunAsync("mosquitto_sub", subscribe);

            // ...which mosquitto_pub resumes: the hub answers on the session's subscription.
            List<string> publish = Common(hub, device, hub.Directory);
            publish.AddRange(new[] { "-t", "$iothub/twin/PATCH/properties/reported/?$rid=42", "-q", "1",
                "-m", "{\"firmware\":\"mosquitto\"}", "--repeat", "2", "--repeat-delay", "1", "-d" });
            string debug = await RunAsync("mosquitto_pub", publish);

            Assert.Contains("'$iothub/twin/res/204/?$rid=42&$version=2'", debug);
            var reported = (await hub.Hub.GetTwinAsync("mosq-1"))["properties"]!["reported"]!;
            Assert.Equal("mosquitto", (string)reported["firmware"]!);
            Assert.Equal(3, (int)reported["$version"]!);
        }

        [Fact]
        public async Task Mosquitto_sub_with_a_certificate_for_another_device_is_refused()
        {
            await using HubFixture hub = await HubFixture.StartAsync();
            await hub.AddDeviceAsync("mosq-1");
            HubDeviceCredential impostor = await hub.AddDeviceAsync("mosq-1", cn: "mosq-2", register: false);
            List<string> arguments = Common(hub, impostor, hub.Directory);
            arguments.AddRange(new[] { "-t", "devices/mosq-1/messages/devicebound/#", "-q", "1", "-C", "1", "-W", "20" });
            var output = new StringBuilder();
            using Process sub = Start("mosquitto_sub", arguments, output);
            using var limit = new System.Threading.CancellationTokenSource(ProcessLimit);
            await sub.WaitForExitAsync(limit.Token);

            Assert.NotEqual(0, sub.ExitCode);
            Assert.Contains(hub.Log, l => l.Contains("refused mosq-1") && l.Contains("CN 'mosq-2'"));
        }
    }
}
