using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;

namespace NfCerts.NanoStandIn
{
    /// <summary>
    /// The CLR's network event queue as System.Net's NetworkChange sees it: the firmware posts (nf-interpreter
    /// targets/ESP32/_common/targetHAL_Network.cpp, <c>Network_PostEvent</c>), one event thread delivers, in order.
    /// </summary>
    /// <remarks>
    /// <para>What the ESP32 firmware posts for the Wi-Fi station (interface <see cref="StationIndex"/>, IDF_WIFI_STA_DEF):
    /// on WIFI_EVENT_STA_CONNECTED it first wakes the blocked WifiAdapter.Connect (result 0), then posts availability on;
    /// on IP_EVENT_STA_GOT_IP, address changed; on WIFI_EVENT_STA_DISCONNECTED (a failed attempt, a lost link, or
    /// esp_wifi_disconnect) availability off, after ESP-IDF's default handler has cleared the address
    /// (esp_netif_down_api sets it to 0.0.0.0). IP_EVENT_STA_LOST_IP, address changed again, comes only after ESP-IDF's
    /// IP-lost timer (120 s by default) and is not modelled. The soft AP posts on interface <see cref="SoftApIndex"/>.</para>
    /// <para>Delivery is asynchronous, as on the device: a WifiAdapter.Connect can return before the availability event
    /// of its own association has been delivered, and an event of the link a connect replaced can arrive after it.</para>
    /// </remarks>
    public static class NetworkEvents
    {
        /// <summary>NetworkEventType.AvailabilityChanged.</summary>
        public const int AvailabilityChanged = 1;

        /// <summary>NetworkEventType.AddressChanged.</summary>
        public const int AddressChanged = 2;

        /// <summary>IDF_WIFI_STA_DEF: the station's interface index, also its configuration block and WifiAdapter's.</summary>
        public const int StationIndex = 0;

        /// <summary>IDF_WIFI_AP_DEF: the soft AP's interface index.</summary>
        public const int SoftApIndex = 1;

        private static readonly object Gate = new object();
        private static readonly Dictionary<object, Action<int, bool, int>> Listeners = new Dictionary<object, Action<int, bool, int>>();
        private static readonly BlockingCollection<Posted> Queue = new BlockingCollection<Posted>();
        private static Thread? _thread;
        private static long _boot;
        private static long _posted;
        private static long _delivered;
        private static volatile bool _held;

        /// <summary>While true the event thread delivers nothing (a busy CLR event thread); events wait in order.</summary>
        public static bool Held
        {
            get => _held;
            set => _held = value;
        }

        /// <summary>Registers what a managed subscriber of NetworkChange gets; a reboot (<see cref="Board.Reset"/>) forgets it.</summary>
        public static void Subscribe(object key, Action<int, bool, int> listener)
        {
            lock (Gate)
            {
                Listeners[key] = listener;
            }
        }

        /// <summary>Removes a subscriber.</summary>
        public static void Unsubscribe(object key)
        {
            lock (Gate)
            {
                Listeners.Remove(key);
            }
        }

        /// <summary>Posts an event as the firmware does, to be delivered on the event thread after those posted before it.</summary>
        public static void Post(int type, bool available, int index)
        {
            lock (Gate)
            {
                _thread ??= StartThread();
                _posted++;
                Queue.Add(new Posted(_boot, type, available, index));
            }
        }

        /// <summary>Waits until every event posted so far has been delivered. False after 10 s.</summary>
        public static bool Drain()
        {
            long posted;
            lock (Gate)
            {
                posted = _posted;
            }

            var limit = DateTime.UtcNow.AddSeconds(10);
            while (Interlocked.Read(ref _delivered) < posted)
            {
                if (DateTime.UtcNow > limit)
                {
                    return false;
                }

                Thread.Sleep(5);
            }

            return true;
        }

        internal static void Reset()
        {
            lock (Gate)
            {
                _boot++;
                _held = false;
                Listeners.Clear();
            }
        }

        private static Thread StartThread()
        {
            var thread = new Thread(Deliver) { IsBackground = true, Name = "nanoCLR network events" };
            thread.Start();
            return thread;
        }

        private static void Deliver()
        {
            foreach (Posted e in Queue.GetConsumingEnumerable())
            {
                while (_held && e.Boot == Interlocked.Read(ref _boot))
                {
                    Thread.Sleep(5);
                }

                Action<int, bool, int>[] listeners;
                lock (Gate)
                {
                    listeners = e.Boot == _boot ? new List<Action<int, bool, int>>(Listeners.Values).ToArray() : Array.Empty<Action<int, bool, int>>();
                }

                foreach (Action<int, bool, int> listener in listeners)
                {
                    try
                    {
                        listener(e.Type, e.Available, e.Index);
                    }
                    catch (Exception)
                    {
                        // Not modelled: what nanoCLR does with a subscriber's exception. The queue carries on.
                    }
                }

                Interlocked.Increment(ref _delivered);
            }
        }

        private readonly record struct Posted(long Boot, int Type, bool Available, int Index);
    }
}
