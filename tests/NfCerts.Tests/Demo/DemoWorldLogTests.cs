using System.Linq;
using System.Threading.Tasks;
using NfCerts.Emulators.World;
using Xunit;

namespace NfCerts.Tests.Demo
{
    /// <summary>A fleet's world keeps only its recent log lines (its memory must not grow with its traffic); the demo's keeps
    /// every line, since it scans them all for keys at the end.</summary>
    public class DemoWorldLogTests
    {
        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task TheWorldKeepsItsWholeLogOnlyWhenAsked(bool whole)
        {
            Scenario plan = ScenarioFile.Load("default");
            await using DemoWorld world = await DemoWorld.StartAsync(plan, ScenarioTimes.End(plan, 1), RadiusKind.InProcess, keepWholeLog: whole);
            int before = world.LogLines.Count;
            int notes = DemoWorld.RecentLogLines + 500;
            for (int i = 0; i < notes; i++)
            {
                world.Note("note " + i);
            }
            var lines = world.LogLines.ToList();
            Assert.Equal(whole ? before + notes : DemoWorld.RecentLogLines, lines.Count);
            Assert.Equal("note " + (notes - 1), lines[^1]);
            Assert.Equal(whole ? "note 0" : "note 500", lines.First(l => l.StartsWith("note ")));
        }
    }
}
