using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using NfCerts.Tests.Contracts;
using Xunit;
using Xunit.Abstractions;

namespace NfCerts.Tests.HubEmulator
{
    /// <summary>Figures, printed rather than asserted (no timed assertions): how long a device takes to be back after an
    /// emulator restart, and what a C2D message and a reported patch look like on the wire.</summary>
    public sealed class EmulatorReconnectFigures
    {
        private readonly ITestOutputHelper _output;

        public EmulatorReconnectFigures(ITestOutputHelper output)
        {
            _output = output;
        }

        [Fact]
        public async Task Prints_the_reconnect_time_after_an_emulator_restart_and_the_wire_log()
        {
            await using HubFixture hub = await HubFixture.StartAsync(keepState: true);
            HubDeviceCredential device = await hub.AddDeviceAsync("dev-1");
            using var probe = new TransportProbe();
            probe.Transport.Connect(hub.Options(device));
            probe.Transport.PatchReported("{\"certs\":[{\"id\":\"ClientCert1\",\"daysLeft\":300}],\"rotation\":\"idle\"}");
            await hub.Hub.SendC2dAsync("dev-1", Encoding.UTF8.GetBytes("{\"rootCa\":{\"seq\":1,\"network\":\"Network2\"}}"),
                new Dictionary<string, string> { ["type"] = "root-ca" });
            probe.NextMessage();

            var restarts = new List<double>();
            var reconnects = new List<double>();
            for (int i = 0; i < 5; i++)
            {
                var watch = Stopwatch.StartNew();
                await hub.RestartAsync();
                restarts.Add(watch.Elapsed.TotalMilliseconds);
                Assert.True(RealTime.Eventually(() => !probe.Disconnects.IsEmpty), "the restart did not drop the device");
                probe.Disconnects.Clear();
                watch.Restart();
                probe.Transport.Connect(hub.Options(device));
                JsonObject twin = JsonNode.Parse(probe.Transport.GetTwin())!.AsObject();
                reconnects.Add(watch.Elapsed.TotalMilliseconds);
                Assert.Equal(2, (int)twin["reported"]!["$version"]!);
            }

            _output.WriteLine("emulator restart (stop + start, state file): median " + Median(restarts) + " ms, all " + string.Join(", ", restarts.Select(Ms)));
            _output.WriteLine("device back (TLS + CONNECT + SUBSCRIBE + twin GET): median " + Median(reconnects) + " ms, all " + string.Join(", ", reconnects.Select(Ms)));
            foreach (string line in hub.Log.Where(l => l.Contains(" in  dev-1 $iothub/twin/PATCH") || l.Contains(" out dev-1 devices/") || l.Contains("res/204")).Take(3))
            {
                _output.WriteLine(line);
            }
        }

        private static string Ms(double ms) => ms.ToString("F0", System.Globalization.CultureInfo.InvariantCulture);

        private static string Median(List<double> values) => Ms(values.OrderBy(v => v).ElementAt(values.Count / 2));
    }
}
