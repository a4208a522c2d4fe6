using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using NfCerts.Core.Device;
using NfCerts.Core.Hub;
using NfCerts.Hal;
using NfCerts.Tests.Wifi;
using Xunit;

namespace NfCerts.Tests.Hub
{
    /// <summary>The DTDL model says exactly what the code reads and writes.</summary>
    public class DeviceModelTests
    {
        private static JsonObject Model() =>
            JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Hub", "nfcerts-device.dtdl.json")))!.AsObject();

        private static IEnumerable<JsonObject> Properties(JsonObject model) =>
            model["contents"]!.AsArray().Select(c => c!.AsObject()).Where(c => (string)c["@type"]! == "Property");

        [Fact]
        public void TheModelIsTheOneTheDeviceAnnounces()
        {
            var model = Model();
            Assert.Equal(HubHandlers.ModelId, (string)model["@id"]!);
            Assert.Equal("dtmi:dtdl:context;3", (string)model["@context"]!);
            Assert.Equal("Interface", (string)model["@type"]!);
        }

        [Fact]
        public void WritablePropertiesAreExactlyTheDesiredOnesRouted()
        {
            using var d = new HubDevice();
            var writable = Properties(Model()).Where(p => p["writable"] is JsonValue v && (bool)v).Select(p => (string)p["name"]!);
            Assert.Equal(d.H.Routes.Names(HubRouteKind.Desired).OrderBy(n => n), writable.OrderBy(n => n));
        }

        [Fact]
        public void CommandsAreExactlyTheMethodsRouted()
        {
            using var d = new HubDevice();
            var commands = Model()["contents"]!.AsArray().Select(c => c!.AsObject()).Where(c => (string)c["@type"]! == "Command").Select(c => (string)c["name"]!);
            Assert.Equal(d.H.Routes.Names(HubRouteKind.Method).OrderBy(n => n), commands.OrderBy(n => n));
            Assert.Contains(HubHandlers.ReprovisionMethod, commands);
        }

        [Fact]
        public void TheBoardsTransportHasADeviceClientCallbackForEveryRoutedMethod()
        {
            // nanoFramework's DeviceClient routes a direct method by the callback's own method name: a routed method with
            // no callback of its name is never answered on the board (the caller times out).
            string root = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(root, "nf.Certs.sln")))
            {
                root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar))!;
            }
            string source = File.ReadAllText(Path.Combine(root, "hal", "NfCerts.Hal.Nano", "NanoHubTransport.cs"));
            var callbacks = System.Text.RegularExpressions.Regex.Matches(source, @"new MethodCallback\((\w+)\)").Select(m => m.Groups[1].Value);
            using var d = new HubDevice();
            Assert.Equal(d.H.Routes.Names(HubRouteKind.Method).OrderBy(n => n), callbacks.OrderBy(n => n));
        }

        [Fact]
        public void ReadOnlyPropertiesAndTheirFieldsAreExactlyTheOnesReported()
        {
            using var d = new HubDevice();
            d.R.W.Clock.Advance(TimeSpan.FromMinutes(1));
            d.Faults = new[] { new DeviceFault { Component = "keys", Message = "unsealed", Count = 1 } };
            d.C2d(HubDevice.Notice(1, WifiDevice.RootCa2.Pem));
            var call = new HubMethodCall("getHealth", "{}");
            d.H.OnMethod(call);
            var reported = JsonNode.Parse(call.ResponseJson)!.AsObject();
            var readOnly = Properties(Model()).Where(p => p["writable"] is null).ToList();
            Assert.Equal(reported.Select(p => p.Key).OrderBy(n => n), readOnly.Select(p => (string)p["name"]!).OrderBy(n => n));
            foreach (var p in readOnly)
            {
                SameShape((string)p["name"]!, p["schema"]!, reported[(string)p["name"]!]!);
            }
        }

        /// <summary>Object fields and map values have exactly the members the device writes.</summary>
        private static void SameShape(string path, JsonNode schema, JsonNode value)
        {
            if (schema is not JsonObject s)
            {
                return;
            }
            switch ((string)s["@type"]!)
            {
                case "Object":
                    var fields = s["fields"]!.AsArray().Select(f => f!.AsObject()).ToList();
                    Assert.True(fields.Select(f => (string)f["name"]!).OrderBy(n => n).SequenceEqual(value.AsObject().Select(m => m.Key).OrderBy(n => n)),
                        path + ": model fields " + string.Join(",", fields.Select(f => (string)f["name"]!)) + " but reported " + string.Join(",", value.AsObject().Select(m => m.Key)));
                    foreach (var f in fields)
                    {
                        SameShape(path + "." + f["name"], f["schema"]!, value[(string)f["name"]!]!);
                    }
                    break;
                case "Map":
                    var entries = value.AsObject();
                    Assert.True(entries.Count > 0, path + " reported no entry to compare");
                    foreach (var e in entries)
                    {
                        SameShape(path + "." + e.Key, s["mapValue"]!["schema"]!, e.Value!);
                    }
                    break;
            }
        }
    }
}
