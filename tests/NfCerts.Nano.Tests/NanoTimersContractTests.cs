using System;
using System.Collections.Generic;
using System.Threading;
using NfCerts.Hal;
using NfCerts.Hal.Nano;
using NfCerts.Tests.Contracts;

namespace NfCerts.Nano.Tests
{
    /// <summary>NanoTimers over System.Threading.Timer, re-armed on the tick count.</summary>
    public sealed class NanoTimersContractTests : TimersContract
    {
        private readonly NanoTimers _timers = new NanoTimers();
        private readonly List<Exception> _errors = new List<Exception>();

        public NanoTimersContractTests()
        {
            _timers.CallbackFailed += (_, e) =>
            {
                lock (_errors)
                {
                    _errors.Add(e);
                }
            };
        }

        protected override ITimers Timers => _timers;

        protected override IReadOnlyList<Exception> ReportedErrors
        {
            get
            {
                lock (_errors)
                {
                    return _errors.ToArray();
                }
            }
        }

        protected override void Elapse(TimeSpan span) => Thread.Sleep(span);

        protected override bool Eventually(Func<bool> condition) => RealTime.Eventually(condition);
    }
}
