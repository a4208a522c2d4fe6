using System;
using System.Collections.Generic;

namespace NfCerts.Hal.Host
{
    /// <summary>
    /// Runs timer callbacks for the host clocks: an exception thrown by a callback, or by a handler of
    /// <see cref="Failed"/>, is kept in <see cref="Errors"/> and never escapes to the thread that fired the timer.
    /// </summary>
    internal sealed class CallbackRunner
    {
        private readonly object _lock = new object();
        private readonly List<Exception> _errors = new List<Exception>();

        /// <summary>Raised after a callback has thrown.</summary>
        public event Action<Exception>? Failed;

        /// <summary>A snapshot of the errors so far.</summary>
        public IReadOnlyList<Exception> Errors
        {
            get { lock (_lock) { return _errors.ToArray(); } }
        }

        public void Clear()
        {
            lock (_lock)
            {
                _errors.Clear();
            }
        }

        public void Run(TimerElapsed callback, object? state)
        {
            try
            {
                callback(state);
            }
            catch (Exception ex)
            {
                Record(ex);
                try
                {
                    Failed?.Invoke(ex);
                }
                catch (Exception handlerError)
                {
                    // A failing handler is recorded like a failing callback: it must not take the timer's thread down.
                    Record(handlerError);
                }
            }
        }

        private void Record(Exception ex)
        {
            lock (_lock)
            {
                _errors.Add(ex);
            }
        }
    }
}
