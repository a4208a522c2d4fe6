using System;
using System.Collections;
using NfCerts.Core.Renewal;
using NfCerts.Hal;

namespace NfCerts.Core.Device
{
    /// <summary>One reported fault: what, how often, when (uptime).</summary>
    public sealed class DeviceFault
    {
        /// <summary>The component ("store", "wifi", "connection", "renewal", ...), at most <see cref="FaultList.MaxComponentChars"/> chars.</summary>
        public string Component = "";
        /// <summary>What is wrong, at most <see cref="FaultList.MaxMessageChars"/> chars; never key material.</summary>
        public string Message = "";
        /// <summary>How many times it was reported.</summary>
        public int Count;
        /// <summary>Uptime of the first report.</summary>
        public TimeSpan FirstUptime;
        /// <summary>Uptime of the latest report.</summary>
        public TimeSpan LastUptime;
    }

    /// <summary>Raised when a fault is reported (on the reporting thread).</summary>
    public delegate void DeviceFaultHandler(object sender, DeviceFault fault);

    /// <summary>
    /// The device's current faults, one per component, bounded in number and length so that it fits the twin's reported
    /// properties whatever the components say. Thread-safe.
    /// </summary>
    public sealed class FaultList
    {
        /// <summary>Most faults kept; reporting a new component beyond it replaces the oldest.</summary>
        public const int MaxFaults = 8;
        /// <summary>Longest component name.</summary>
        public const int MaxComponentChars = 16;
        /// <summary>Longest message.</summary>
        public const int MaxMessageChars = 160;

        private readonly object _sync = new object();
        private readonly ArrayList _faults = new ArrayList();
        private readonly IClock _uptime;

        /// <summary>Creates an empty list that stamps faults with <paramref name="uptime"/>.</summary>
        public FaultList(IClock uptime)
        {
            _uptime = uptime;
        }

        /// <summary>Raised after a fault was reported.</summary>
        public event DeviceFaultHandler? Reported;

        /// <summary>Reports (or repeats) the fault of <paramref name="component"/>, replacing its previous message.</summary>
        public void Report(string component, string message)
        {
            DeviceFault copy;
            lock (_sync)
            {
                string c = BoundedText.Truncate(component, MaxComponentChars, "");
                DeviceFault? f = Find(c);
                TimeSpan now = _uptime.Uptime;
                if (f == null)
                {
                    if (_faults.Count >= MaxFaults)
                    {
                        _faults.RemoveAt(0);
                    }
                    f = new DeviceFault();
                    f.Component = c;
                    f.FirstUptime = now;
                    _faults.Add(f);
                }
                f.Message = BoundedText.Truncate(message, MaxMessageChars, "...");
                f.Count++;
                f.LastUptime = now;
                copy = Copy(f);
            }
            var h = Reported;
            if (h != null)
            {
                h(this, copy);
            }
        }

        /// <summary>Removes the fault of <paramref name="component"/>, if any (it stopped being true).</summary>
        public void Clear(string component)
        {
            lock (_sync)
            {
                DeviceFault? f = Find(BoundedText.Truncate(component, MaxComponentChars, ""));
                if (f != null)
                {
                    _faults.Remove(f);
                }
            }
        }

        /// <summary>The fault of <paramref name="component"/>, if reported.</summary>
        public bool TryGet(string component, out DeviceFault fault)
        {
            lock (_sync)
            {
                DeviceFault? f = Find(component);
                fault = f == null ? new DeviceFault() : Copy(f);
                return f != null;
            }
        }

        /// <summary>A copy of the current faults, oldest first.</summary>
        public DeviceFault[] ToArray()
        {
            lock (_sync)
            {
                var a = new DeviceFault[_faults.Count];
                for (int i = 0; i < a.Length; i++)
                {
                    a[i] = Copy((DeviceFault)_faults[i]!);
                }
                return a;
            }
        }

        private DeviceFault? Find(string component)
        {
            for (int i = 0; i < _faults.Count; i++)
            {
                var f = (DeviceFault)_faults[i]!;
                if (f.Component == component)
                {
                    return f;
                }
            }
            return null;
        }

        private static DeviceFault Copy(DeviceFault f)
        {
            var c = new DeviceFault();
            c.Component = f.Component;
            c.Message = f.Message;
            c.Count = f.Count;
            c.FirstUptime = f.FirstUptime;
            c.LastUptime = f.LastUptime;
            return c;
        }
    }
}
