using System;
using System.Text;
using NfCerts.Core.Renewal;
using Xunit;

namespace NfCerts.Tests.Renewal
{
    /// <summary>A damaged or oversized journal must not stop the engine (issue 9, findings 5 and 6).</summary>
    public class JournalRobustnessTests
    {
        private static byte[] Raw(RenewalDevice d, string key)
        {
            Assert.True(d.W.Log.TryGet(key, out var b), "no '" + key + "' in the log");
            return b;
        }

        private static void PutRaw(RenewalDevice d, string key, byte[] value)
        {
            var t = d.W.Log.Begin();
            t.Put(key, value);
            t.Commit();
        }

        [Fact]
        public void ACorruptJournalThatCannotBeSetAsideStillGivesAFreshJournalInMemory()
        {
            var flash = new NfCerts.Hal.Host.NorFlash(16 * 4096, 4096);
            NfCerts.Core.Storage.RecordLog.Format(flash, 4096);
            var log = NfCerts.Core.Storage.RecordLog.Mount(flash, 4096);
            var t = log.Begin();
            t.Put(RenewalJournal.LogKey, new byte[] { 9, 1, 2, 3 });
            t.Commit();
            flash.ArmPowerCut(0, seed: 1); // the set-aside's first write fails, as on a failing flash
            var journal = RenewalJournal.LoadOrSetAside(log, out string problem);
            Assert.Equal(ClientRotationStep.Idle, journal.Client);
            Assert.Contains("setting it aside failed", problem);
            Assert.Contains("setting it aside failed", journal.LastReason);
            flash.PowerOn();
            // Nothing was lost: the bad bytes are still there for a person to look at.
            Assert.True(NfCerts.Core.Storage.RecordLog.Mount(flash, 4096).TryGet(RenewalJournal.LogKey, out byte[] kept));
            Assert.Equal(new byte[] { 9, 1, 2, 3 }, kept);
        }

        [Theory]
        [InlineData(new byte[] { 9, 1, 2, 3 })]                       // unknown version
        [InlineData(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })]   // truncated
        public void CorruptJournalIsSetAsideWithItsReasonAndRenewalsGoOn(byte[] garbage)
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(60));
            d.Days(1);
            d.Engine.Stop();
            PutRaw(d, RenewalJournal.LogKey, garbage);
            d.Reboot();
            // The bad bytes are kept for a person to look at, and the engine says why.
            Assert.Equal(garbage, Raw(d, RenewalJournal.SetAsideKey));
            var s = d.Engine.Status;
            Assert.Contains("set aside", s.LastResult);
            Assert.Contains(RenewalJournal.SetAsideKey, d.Engine.Journal.LastReason);
            Assert.Contains("unknown format", s.JournalSetAside);
            Assert.Equal(ClientRotationStep.Idle, d.Engine.Journal.Client);
            // A fresh journal is on flash and the store's certificates drive the renewals.
            RenewalJournal.Load(d.W.Log);
            d.Days(33);
            Assert.Equal(1, d.Engine.Status.Renewals);
            Assert.Equal("Network1", d.W.ConnectedName);
            Assert.Equal(garbage, Raw(d, RenewalJournal.SetAsideKey));
        }

        /// <summary>Runs a new device until its journal is on flash. The first high-water mark is saved at the first check at
        /// least <see cref="ClockJudge.JumpConfirm"/> after the first boot: a few hours or more than a day later, depending on
        /// the hour the device booted and its daily check slot.</summary>
        private static void UntilJournalSaved(RenewalDevice d)
        {
            for (int i = 0; i < 3 && !d.W.Log.Contains(RenewalJournal.LogKey); i++)
            {
                d.Days(1);
            }
            Assert.True(d.W.Log.Contains(RenewalJournal.LogKey), "no journal on flash after three days");
        }

        [Theory]
        [MemberData(nameof(RenewalDevice.StartTimes), MemberType = typeof(RenewalDevice))]
        public void JournalThatFailsItsCrcOnFlashIsSetAsideAndRenewalsGoOn(string startTime)
        {
            using var d = RenewalDevice.At(startTime, TimeSpan.FromDays(60));
            UntilJournalSaved(d);
            d.Engine.Stop();
            // Bit rot in the journal's bytes on flash: the latest copy of its value loses a bit.
            var value = d.Engine.Journal.Encode();
            var image = d.W.Flash.Snapshot();
            int at = -1;
            for (int i = image.Length - value.Length; i >= 0 && at < 0; i--)
            {
                if (image.AsSpan(i, value.Length).SequenceEqual(value)) at = i;
            }
            Assert.True(at >= 0, "the journal's value was not found on flash");
            int bit = Array.FindIndex(value, 3, b => b != 0);
            d.W.Flash.Program(at + bit, new[] { (byte)(value[bit] & (value[bit] - 1)) }, 0, 1);
            d.Reboot();
            Assert.Contains("CRC", d.Engine.Status.JournalSetAside);
            Assert.True(d.W.Log.Contains(RenewalJournal.SetAsideKey));
            d.Days(33);
            Assert.Equal(1, d.Engine.Status.Renewals);
        }

        [Theory]
        [MemberData(nameof(RenewalDevice.StartTimes), MemberType = typeof(RenewalDevice))]
        public void JournalWithAStepOutOfRangeIsSetAside(string startTime)
        {
            using var d = RenewalDevice.At(startTime, TimeSpan.FromDays(60));
            UntilJournalSaved(d);
            d.Engine.Stop();
            var bad = Raw(d, RenewalJournal.LogKey);
            bad[1] = 77; // no such root step
            PutRaw(d, RenewalJournal.LogKey, bad);
            d.Reboot();
            Assert.Equal(bad, Raw(d, RenewalJournal.SetAsideKey));
            Assert.Equal(RootRotationStep.Idle, d.Engine.Journal.Root);
        }

        [Theory]
        [InlineData('x')]
        [InlineData('\u20ac')] // three bytes of UTF-8 each
        public void SeventyThousandCharReasonIsBoundedAndTheJournalStaysReadable(char c)
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(60));
            d.Issuer.Failures.Enqueue(new IssuerException(new string(c, 70000), true, TimeSpan.Zero));
            d.Days(32.3);
            Assert.True(d.Issuer.Calls >= 1);
            var onFlash = RenewalJournal.Load(d.W.Log);
            Assert.True(onFlash.ClientFailures >= 1 || onFlash.Renewals == 1, "the failure was not recorded");
            d.Reboot();
            var reason = d.Engine.Journal.LastReason;
            Assert.InRange(Encoding.UTF8.GetByteCount(reason), 0, RenewalJournal.MaxTextBytes);
            Assert.DoesNotContain('\ufffd', reason);
            d.Days(3);
            Assert.Equal(1, d.Engine.Status.Renewals);
        }

        [Fact]
        public void TruncationKeepsSurrogatePairsWhole()
        {
            string s = "ab" + new string('\ud83d', 1) + "\ude00" + "cd"; // "ab😀cd"
            Assert.Equal("ab", BoundedText.Truncate(s, 3, ""));
            Assert.Equal("ab\ud83d\ude00", BoundedText.Truncate(s, 4, ""));
            Assert.Equal("ab...", BoundedText.Truncate("abcdefgh", 5, "..."));
            Assert.Equal("abc", BoundedText.Truncate("abc", 5, "..."));
            var bytes = BoundedText.ToUtf8(new string('\u20ac', 100), 10);
            Assert.InRange(bytes.Length, 7, 10);
            Assert.Equal("\u20ac\u20ac...", Encoding.UTF8.GetString(bytes));
        }
    }
}
