using System;
using NfCerts.Core.Device;
using NfCerts.Core.Wifi;
using Xunit;

namespace NfCerts.Tests.Device
{
    /// <summary>The supervisor restarts a stuck component, not the board (issue 9, finding 5): each test makes a component
    /// stick the way drivers and timer services do and shows it restored within the supervisor's period of the symptom.</summary>
    public class SupervisorTests
    {
        private static HostDevice Connected()
        {
            var d = new HostDevice();
            d.Provision();
            d.Boot();
            d.Clock.Advance(TimeSpan.FromSeconds(30));
            Assert.Equal("Network1", d.ConnectedName);
            return d;
        }

        [Fact]
        public void ConnectionManagerThatMissedALinkLossIsRestartedAndReconnects()
        {
            using var d = Connected();
            d.RadioPort.SwallowLinkLost = true;
            d.Radio.DropLink();
            var manager = d.Runtime.Connection!;
            // Without help it would stay off the network for good: nothing tells the manager.
            TimeSpan symptom = manager.MaxBackoff + ConnectionWatch.Slack;
            d.Clock.Advance(symptom - TimeSpan.FromMinutes(1));
            Assert.Equal("", d.ConnectedName);
            Assert.Equal(0, d.Runtime.Supervisor.GetRestartCount("connection"));
            d.Clock.Advance(TimeSpan.FromMinutes(1) + d.Options.SupervisorPeriod + TimeSpan.FromSeconds(1));
            Assert.Equal(1, d.Runtime.Supervisor.GetRestartCount("connection"));
            Assert.Equal("Network1", d.ConnectedName);
            Assert.True(d.HasFault("connection", out var fault));
            Assert.Contains("no connection attempt", fault.Message);
        }

        [Fact]
        public void ConnectionManagerWhoseRetryTimerCouldNotStartIsRestarted()
        {
            using var d = Connected();
            // The access point goes away; after the failed pass the manager cannot get a timer for its retry: its
            // callback throws.
            d.AccessPoint.GoDown();
            d.Timers.FailNext = 1;
            d.Clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(1, d.Timers.Refused);
            Assert.NotEmpty(d.Clock.CallbackErrors);
            d.AccessPoint.ComeBack();
            var manager = d.Runtime.Connection!;
            d.Clock.Advance(manager.MaxBackoff + ConnectionWatch.Slack - TimeSpan.FromMinutes(1));
            Assert.Equal("", d.ConnectedName);
            d.Clock.Advance(TimeSpan.FromMinutes(1) + d.Options.SupervisorPeriod + TimeSpan.FromSeconds(1));
            Assert.Equal("Network1", d.ConnectedName);
            Assert.Equal(1, d.Runtime.Supervisor.GetRestartCount("connection"));
        }

        [Fact]
        public void RenewalEngineWhoseTimerWasLostIsRestartedAndStillRenewsOnTime()
        {
            using var d = Connected();
            var engine = d.Runtime.Renewal!;
            TimeSpan due = engine.Heartbeat.NextDueUptime;
            // At its next (daily) check the engine cannot get a timer for the one after: its callback throws.
            d.Timers.FailNext = 1;
            d.Clock.Advance(due - d.Clock.Uptime + TimeSpan.FromSeconds(1));
            Assert.Equal(1, d.Timers.Refused);
            Assert.True(engine.Heartbeat.NextDueUptime < d.Clock.Uptime, "the engine's timer should be gone");
            Assert.False(engine.Heartbeat.LastFailed);
            d.Clock.Advance(RenewalWatch.Slack + d.Options.SupervisorPeriod + TimeSpan.FromSeconds(1));
            Assert.Equal(1, d.Runtime.Supervisor.GetRestartCount("renewal"));
            Assert.True(engine.Heartbeat.NextDueUptime > d.Clock.Uptime);
            Assert.True(d.HasFault("renewal", out var fault));
            Assert.Contains("has not run", fault.Message);
            d.Clock.Advance(TimeSpan.FromDays(33));
            Assert.Equal(1, engine.Status.Renewals);
            Assert.Equal("Network1", d.ConnectedName);
        }

        [Fact]
        public void RenewalEngineWhoseChecksFailOnAFlakyFlashIsRestartedOnceItReadsAgain()
        {
            using var d = Connected();
            var engine = d.Runtime.Renewal!;
            d.Clock.Advance(TimeSpan.FromDays(1));
            // The flash starts failing reads: checks throw past the flows' handling, restarts fail too.
            d.FlashPort.ReadErrors = true;
            engine.CheckNow();
            Assert.True(engine.Heartbeat.LastFailed);
            d.Clock.Advance(TimeSpan.FromHours(1));
            Assert.True(d.HasFault("renewal", out var fault));
            Assert.Contains("fail", fault.Message);
            d.FlashPort.ReadErrors = false;
            // The supervisor's backoff is at most 64 periods: the engine is back within it, and renews on time.
            d.Clock.Advance(TimeSpan.FromTicks(d.Options.SupervisorPeriod.Ticks * 64) + TimeSpan.FromMinutes(3));
            Assert.False(engine.Heartbeat.LastFailed);
            Assert.True(engine.Heartbeat.NextDueUptime > d.Clock.Uptime);
            d.Clock.Advance(TimeSpan.FromDays(32));
            Assert.Equal(1, engine.Status.Renewals);
        }

        [Fact]
        public void ComponentThatStaysStuckIsRestartedWithBackoffNotInALoop()
        {
            using var d = Connected();
            d.RadioPort.SwallowLinkLost = true;
            d.AccessPoint.GoDown();
            d.Radio.DropLink();
            // The manager is restarted, fails its passes, and each time loses its retry timer again.
            d.Timers.FailNext = 1000;
            d.Clock.Advance(TimeSpan.FromHours(12));
            int restarts = d.Runtime.Supervisor.GetRestartCount("connection");
            // Backoff 1, 2, 4, ... 64 periods after the first symptom: about a dozen in 12 h, not 700.
            Assert.InRange(restarts, 5, 20);
            d.Timers.FailNext = 0;
            d.AccessPoint.ComeBack();
            d.Clock.Advance(TimeSpan.FromHours(2));
            Assert.Equal("Network1", d.ConnectedName);
        }
    }
}
