using System;
using System.Threading;
using NfCerts.Hal;

namespace NfCerts.Core.Device
{
    /// <summary>
    /// Holds a radio driver to its contract that <see cref="IWifiRadio.Connect"/> returns within the request's timeout:
    /// the call runs on a worker thread, and when it has not returned by the timeout plus <see cref="Grace"/> the caller
    /// gets a <see cref="WifiFailureReason.RadioError"/> result instead of waiting with the connection manager's lock held
    /// (which would stop the renewal engine and, through the shared timer thread, every timer on the board).
    /// </summary>
    /// <remarks>A hung call cannot be interrupted: while it has not returned, further connects fail at once with the same
    /// error rather than start more threads, so at most one thread is ever stuck. When the driver comes back, connects go
    /// through again. Memory: one small object and one thread per connect attempt.</remarks>
    public sealed class BoundedRadio : IWifiRadio
    {
        private readonly IWifiRadio _inner;
        private readonly object _sync = new object();
        private RadioCall? _stuck;

        /// <summary>Wraps <paramref name="inner"/>; <paramref name="grace"/> is added to each request's own timeout.</summary>
        public BoundedRadio(IWifiRadio inner, TimeSpan grace)
        {
            if (inner == null)
            {
                throw new ArgumentNullException("inner");
            }
            _inner = inner;
            Grace = grace;
        }

        /// <summary>Time allowed beyond a request's timeout.</summary>
        public TimeSpan Grace { get; private set; }

        /// <summary>True while a connect that overran its bound has still not returned.</summary>
        public bool IsDriverStuck
        {
            get
            {
                lock (_sync)
                {
                    return _stuck != null && !_stuck.Finished.WaitOne(0, false);
                }
            }
        }

        /// <inheritdoc/>
        public event WifiLinkLostHandler LinkLost
        {
            add { _inner.LinkLost += value; }
            remove { _inner.LinkLost -= value; }
        }

        /// <inheritdoc/>
        public bool IsConnected
        {
            get { return !IsDriverStuck && _inner.IsConnected; }
        }

        /// <inheritdoc/>
        public WifiConnectResult Connect(WifiConnectRequest request)
        {
            if (request == null)
            {
                throw new ArgumentException("the request is null");
            }
            if (IsDriverStuck)
            {
                return Stuck("the radio driver has not returned from an earlier connect");
            }
            var call = new RadioCall(_inner, request);
            var worker = new Thread(new ThreadStart(call.Run));
            worker.Start();
            long ms = (request.Timeout + Grace).Ticks / TimeSpan.TicksPerMillisecond;
            if (call.Finished.WaitOne(ms > int.MaxValue ? int.MaxValue : (int)ms, false))
            {
                return call.Result();
            }
            lock (_sync)
            {
                _stuck = call;
            }
            return Stuck("the radio driver did not return within " + (ms / 1000).ToString() + " s");
        }

        /// <inheritdoc/>
        public void Disconnect()
        {
            if (!IsDriverStuck)
            {
                _inner.Disconnect();
            }
        }

        private static WifiConnectResult Stuck(string detail)
        {
            return new WifiConnectResult(WifiFailureReason.RadioError, -1, null, detail);
        }

        /// <summary>One connect on its worker thread.</summary>
        private sealed class RadioCall
        {
            private readonly IWifiRadio _radio;
            private readonly WifiConnectRequest _request;
            private WifiConnectResult? _result;
            private string _error = "";

            public RadioCall(IWifiRadio radio, WifiConnectRequest request)
            {
                _radio = radio;
                _request = request;
            }

            public readonly ManualResetEvent Finished = new ManualResetEvent(false);

            public void Run()
            {
                try
                {
                    _result = _radio.Connect(_request);
                }
                catch (Exception e)
                {
                    _error = e.Message;
                }
                Finished.Set();
            }

            public WifiConnectResult Result()
            {
                return _result ?? Stuck("the radio driver failed: " + _error);
            }
        }
    }
}
