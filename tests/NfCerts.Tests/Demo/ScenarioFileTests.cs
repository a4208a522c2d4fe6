using System;
using System.IO;
using System.Linq;
using NfCerts.Emulators.World;
using Xunit;

namespace NfCerts.Tests.Demo
{
    /// <summary>Scenario files are checked against the shipped schema; each problem names the line, the JSON pointer of
    /// the field and what is allowed.</summary>
    public sealed class ScenarioFileTests
    {
        private static string[] Problems(string json)
            => Assert.Throws<ScenarioException>(() => ScenarioFile.Parse(json, "plan.json")).Problems.ToArray();

        private static int LineOf(string json, string text) => json.Split('\n').ToList().FindIndex(l => l.Contains(text, StringComparison.Ordinal)) + 1;

        [Fact]
        public void The_shipped_scenarios_load_and_the_repository_schema_is_the_shipped_one()
        {
            foreach (string name in ScenarioFile.ShippedNames)
            {
                Scenario s = ScenarioFile.Load(name);
                Assert.NotEmpty(s.Events);
            }
            Scenario d = ScenarioFile.Load("default");
            Assert.True(ScenarioTimes.End(d) - ScenarioTimes.Start(d) >= TimeSpan.FromDays(3 * 365));
            Assert.NotNull(d.Fleet);
            string repo = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "scenarios", "schema.json");
            Assert.Equal(File.ReadAllText(repo), ScenarioFile.SchemaText);
        }

        [Fact]
        public void An_offline_event_without_its_length_is_named_with_its_line()
        {
            string json = DemoScenarios.Short.Replace("{ \"type\": \"offline\", \"at\": \"P15D\", \"for\": \"P3D\" }", "{ \"type\": \"offline\", \"at\": \"P15D\" }");
            string p = Assert.Single(Problems(json), x => x.Contains("/events/1", StringComparison.Ordinal));
            Assert.StartsWith("plan.json:" + LineOf(json, "\"offline\"") + ": /events/1: ", p);
            Assert.Contains("for", p);
        }

        [Fact]
        public void A_malformed_duration_says_what_a_duration_looks_like()
        {
            string json = DemoScenarios.Short.Replace("\"duration\": \"P120D\"", "\"duration\": \"120 days\"");
            string p = Assert.Single(Problems(json));
            Assert.StartsWith("plan.json:" + LineOf(json, "120 days") + ": /duration: ", p);
            Assert.Contains("allowed: an ISO 8601 duration", p);
        }

        [Fact]
        public void An_unknown_field_lists_the_fields_allowed_there()
        {
            string json = DemoScenarios.Short.Replace("\"clientCertificate\": \"P40D\"", "\"clientCert\": \"P40D\"");
            string p = Assert.Single(Problems(json));
            Assert.StartsWith("plan.json:" + LineOf(json, "clientCert\"") + ": /lifetimes/clientCert: ", p);
            Assert.Contains("allowed: radiusRootCa, radiusRootCa2, clientCertificate, estCa, bootstrapCertificate", p);
        }

        [Fact]
        public void A_start_that_is_not_a_date_and_an_event_before_the_start_are_refused()
        {
            string json = DemoScenarios.Short.Replace("2027-01-04T02:00:00Z", "next monday");
            Assert.Contains(Problems(json), p => p.StartsWith("plan.json:" + LineOf(json, "next monday") + ": /start: ", StringComparison.Ordinal) && p.Contains("RFC 3339"));
            string early = DemoScenarios.Short.Replace("\"at\": \"-P20D\"", "\"at\": \"-P200D\"");
            Assert.Contains(Problems(early), p => p.StartsWith("plan.json:" + LineOf(early, "-P200D") + ": /events/3/at: the event falls before the start", StringComparison.Ordinal));
        }

        [Fact]
        public void Text_that_is_not_JSON_is_named_by_its_line()
        {
            string json = DemoScenarios.Short.Replace("\"duration\": \"P120D\",", "\"duration\": \"P120D\"");
            string p = Assert.Single(Problems(json));
            Assert.Matches(@"^plan\.json:\d+: not valid JSON", p);
        }

        [Theory]
        [InlineData("P90D", 90, 0)]
        [InlineData("-P14D", -14, 0)]
        [InlineData("PT12H", 0, 12)]
        [InlineData("P1W", 7, 0)]
        public void Durations_are_ISO_8601(string text, int days, int hours)
        {
            var anchor = new DateTimeOffset(2027, 1, 4, 2, 0, 0, TimeSpan.Zero);
            Assert.Equal(anchor.AddDays(days).AddHours(hours), IsoDuration.Parse(text).From(anchor));
            Assert.Equal(anchor.AddYears(2), IsoDuration.Parse("P2Y").From(anchor));
            Assert.False(IsoDuration.TryParse("P", out _));
            Assert.False(IsoDuration.TryParse("PT", out _));
        }
    }
}
