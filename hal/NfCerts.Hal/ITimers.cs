using System;

namespace NfCerts.Hal
{
    /// <summary>Called when a timer fires. <paramref name="state"/> is the object given when the timer was started.</summary>
    public delegate void TimerElapsed(object? state);

    /// <summary>One-shot and periodic timers measured on the monotonic <see cref="IClock.Uptime"/>.</summary>
    /// <remarks>
    /// <para>Due times are relative and measured in uptime, so a wall-clock jump neither delays nor advances a timer.
    /// A due time of zero fires as soon as possible. Negative spans throw <see cref="ArgumentOutOfRangeException"/>.</para>
    /// <para>Callbacks run one at a time, never concurrently with each other, on a thread of the implementation
    /// (a virtual clock runs them inside its <c>Advance</c> call, in due-time order, ties in start order). A callback
    /// may start and cancel timers. An exception thrown by a callback is caught and dropped by the implementation
    /// after it has been reported to its diagnostics; it never stops other timers.</para>
    /// <para>Timers do not survive a reboot: persistent schedules are the caller's business.</para>
    /// </remarks>
    public interface ITimers
    {
        /// <summary>Starts a timer that fires once after <paramref name="dueIn"/>.</summary>
        ITimerHandle StartOneShot(TimeSpan dueIn, TimerElapsed callback, object? state);

        /// <summary>Starts a timer that fires after <paramref name="dueIn"/> and then every <paramref name="period"/> (which must be positive).</summary>
        ITimerHandle StartPeriodic(TimeSpan dueIn, TimeSpan period, TimerElapsed callback, object? state);
    }

    /// <summary>A started timer.</summary>
    public interface ITimerHandle
    {
        /// <summary>Stops the timer; it will not fire after this returns (a callback already running completes). Idempotent.</summary>
        void Cancel();

        /// <summary>False once cancelled, or once a one-shot timer has fired.</summary>
        bool IsActive { get; }
    }
}
