using System.IO;

namespace NfCerts.Tests.Demo
{
    /// <summary>Shortened scenarios for the suite: the default scenario's story in about four simulated months.</summary>
    internal static class DemoScenarios
    {
        /// <summary>First boot, the hub's root switch, a few days offline, a reboot, the RootCA2 rollout 20 days before the
        /// RADIUS root expires, a power cut at the rotation's move, the RADIUS switch; client certificates of 40 days.</summary>
        public const string Short = """
            {
              "name": "short",
              "description": "the default scenario's story in four months",
              "start": "2027-01-04T02:00:00Z",
              "duration": "P120D",
              "lifetimes": { "radiusRootCa": "P80D", "clientCertificate": "P40D" },
              "events": [
                { "type": "hubRootSwitch", "at": "P10D", "chain": "digicert-g2" },
                { "type": "offline", "at": "P15D", "for": "P3D" },
                { "type": "reboot", "at": "P30D" },
                { "type": "rootCaRollout", "at": "-P20D", "from": "radiusRootExpiry" },
                { "type": "powerCut", "at": "-PT1H", "from": "radiusRootExpiry", "during": "rootRotation" },
                { "type": "radiusSwitch", "at": "P0D", "from": "radiusRootExpiry" }
              ]
            }
            """;

        /// <summary>A plan that forgets the rollout: the RADIUS server switches to RootCA2 and the device never hears of it.</summary>
        public const string NoRollout = """
            {
              "name": "no-rollout",
              "start": "2027-01-04T02:00:00Z",
              "duration": "P40D",
              "lifetimes": { "radiusRootCa": "P20D", "clientCertificate": "P60D" },
              "events": [
                { "type": "radiusSwitch", "at": "P0D", "from": "radiusRootExpiry" }
              ]
            }
            """;

        /// <summary>Writes <paramref name="json"/> to a new file and returns its path.</summary>
        public static string Write(string json, string name)
        {
            string dir = Directory.CreateTempSubdirectory("nfcerts-demo-test-").FullName;
            string path = Path.Combine(dir, name + ".json");
            File.WriteAllText(path, json);
            return path;
        }
    }
}
