namespace NfCerts.Core.Renewal
{
    /// <summary>The names the flows use, with the seed document's as defaults, and the policy.</summary>
    public sealed class RenewalOptions
    {
        /// <summary>The device's normal network.</summary>
        public string Network1 = "Network1";
        /// <summary>The duplicate that trusts the new RADIUS root CA during a rotation.</summary>
        public string Network2 = "Network2";
        /// <summary>Store ID of the RADIUS root CA Network1 trusts.</summary>
        public string RootCa1 = "RootCA1";
        /// <summary>Store ID the announced root CA is installed under.</summary>
        public string RootCa2 = "RootCA2";
        /// <summary>Store ID of the device's client certificate.</summary>
        public string ClientCert1 = "ClientCert1";
        /// <summary>Store ID a renewed certificate is tried under.</summary>
        public string ClientCert2 = "ClientCert2";
        /// <summary>When to renew and how to retry.</summary>
        public RenewalPolicy Policy = new RenewalPolicy();
        /// <summary>Connection attempts with a trial certificate before other errors count as failure.</summary>
        public int TrialConnectAttempts = 3;
    }

    /// <summary>What the engine is doing, for the twin's reported properties.</summary>
    public enum RenewalState
    {
        /// <summary>Nothing to do until the next check.</summary>
        Idle = 0,
        /// <summary>A root CA rotation is prepared; the device waits to be on Network2.</summary>
        WaitingForNetwork2 = 1,
        /// <summary>A client certificate renewal is in progress.</summary>
        Renewing = 2,
        /// <summary>The last client renewal attempt was rolled back to ClientCert1; a retry is scheduled.</summary>
        RolledBack = 3,
        /// <summary>Something needs attention (see the reason); checks go on.</summary>
        Failed = 4,
    }

    /// <summary>A snapshot of the engine's state.</summary>
    public sealed class RenewalStatus
    {
        /// <summary>What the engine is doing.</summary>
        public RenewalState State;
        /// <summary>When the next check runs (wall clock; MinValue while the clock is not synchronised).</summary>
        public System.DateTime NextCheckUtc;
        /// <summary>The last outcome.</summary>
        public string LastResult = "";
        /// <summary>What the engine waits for or why its last check failed, while that is true; otherwise why the last
        /// outcome failed. Bounded (<see cref="RenewalEngine.MaxReasonChars"/>).</summary>
        public string LastReason = "";
        /// <summary>Whole days until ClientCert1 expires (negative when expired); int.MinValue when unknown.</summary>
        public int ClientCertDaysLeft = int.MinValue;
        /// <summary>Whole days until RootCA1 expires; int.MinValue when unknown.</summary>
        public int RootCaDaysLeft = int.MinValue;
        /// <summary>When ClientCert1 becomes due (MinValue when unknown).</summary>
        public System.DateTime ClientRenewAtUtc;
        /// <summary>True when the threshold was replaced by the loop guard.</summary>
        public bool ThresholdClamped;
        /// <summary>Whether the wall clock itself was believed at the last check.</summary>
        public bool ClockTrusted;
        /// <summary>How far the wall clock was believed at the last check (<see cref="ClockTrust.Floor"/>: decisions were
        /// taken with the device's lower bound of the time, see <see cref="LastReason"/>).</summary>
        public ClockTrust Clock;
        /// <summary>How far the wall clock was behind the time the last check decided with (the floor: the high-water mark,
        /// a certificate's NotBefore, a certificate just issued); zero when the wall clock was decided with as it reads.</summary>
        public System.TimeSpan ClockLag;
        /// <summary>Why the journal was set aside at the engine's start; empty when it was read.</summary>
        public string JournalSetAside = "";
        /// <summary>Completed renewals.</summary>
        public int Renewals;
        /// <summary>Rolled-back attempts.</summary>
        public int Rollbacks;
        /// <summary>Failed attempts in a row.</summary>
        public int ConsecutiveFailures;
    }

    /// <summary>Raised as the engine reaches each step of the seed's flows (names like <c>Client.4.InstallClientCert2</c>).</summary>
    public delegate void RenewalStepHandler(object sender, string step);
}
