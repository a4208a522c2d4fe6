using System;
using NfCerts.Core.Renewal;
using NfCerts.Core.Storage;

namespace NfCerts.Core.Provisioning
{
    /// <summary>What the device knows from DPS: the last assignment, why it must provision again, and the last failure.
    /// One value in the flash log (key <see cref="LogKey"/>), rewritten whole in one atomic commit, so a power cut while
    /// saving leaves the old value or the new one.</summary>
    /// <remarks>Layout: <see cref="FieldRecord"/> version 1 with the fields registration ID, assigned hub, device ID,
    /// substatus, DPS's lastUpdatedDateTimeUtc, assigned-at (device wall clock, ticks; 0 = clock not synchronised),
    /// reprovision reason (empty = none asked), failures in a row, last failure, last failure reported ("1"/"0"), in that
    /// order. Reasons are cut to <see cref="MaxTextChars"/> characters; DPS texts are bounded by <see cref="Json.JsonLimits.DpsAnswer"/>, so the value stays under about 2 KiB.</remarks>
    public sealed class DpsState
    {
        /// <summary>Log key.</summary>
        public const string LogKey = "Pdps";
        /// <summary>Longest reason kept, in characters.</summary>
        public const int MaxTextChars = 240;
        private const byte Version = 1;
        private const int FieldCount = 10;

        /// <summary>Registration ID (the identity's CN) the assignment was made for; empty when never assigned.</summary>
        public string RegistrationId = "";
        /// <summary>Assigned IoT hub host name; empty when never assigned.</summary>
        public string AssignedHub = "";
        /// <summary>Device ID in the assigned hub.</summary>
        public string DeviceId = "";
        /// <summary>DPS's substatus of the assignment.</summary>
        public string Substatus = "";
        /// <summary>DPS's lastUpdatedDateTimeUtc of the assignment, as DPS wrote it.</summary>
        public string LastUpdated = "";
        /// <summary>When the device saved the assignment, wall-clock ticks; 0 when its clock was not synchronised.</summary>
        public long AssignedAtTicks;
        private string _reprovisionReason = "";
        /// <summary>Failed provisioning attempts since the last success.</summary>
        public int Failures;
        private string _lastFailure = "";
        /// <summary>True once <see cref="LastFailure"/> has been reported to a hub.</summary>
        public bool LastFailureReported = true;

        /// <summary>Why the device must provision again though it has an assignment (hub refused it, operator asked); empty for none.</summary>
        public string ReprovisionReason
        {
            get { return _reprovisionReason; }
            set { _reprovisionReason = BoundedText.Truncate(value, MaxTextChars, "..."); }
        }

        /// <summary>Why the last attempt failed; empty after a success.</summary>
        public string LastFailure
        {
            get { return _lastFailure; }
            set { _lastFailure = BoundedText.Truncate(value, MaxTextChars, "..."); }
        }

        /// <summary>True when there is an assignment to use.</summary>
        public bool HasAssignment
        {
            get { return AssignedHub.Length > 0 && DeviceId.Length > 0; }
        }

        /// <summary>Reads the state; a fresh one when there is none.</summary>
        /// <exception cref="StorageException">The value does not decode (<see cref="StorageError.Corrupt"/>): the caller
        /// provisions afresh and the next save replaces it.</exception>
        public static DpsState Load(RecordLog log)
        {
            byte[] d;
            if (!log.TryGet(LogKey, out d))
            {
                return new DpsState();
            }
            string[] f = FieldRecord.Decode(d, Version, FieldCount, "the DPS state");
            var s = new DpsState();
            s.RegistrationId = f[0];
            s.AssignedHub = f[1];
            s.DeviceId = f[2];
            s.Substatus = f[3];
            s.LastUpdated = f[4];
            s.AssignedAtTicks = FieldRecord.Number(f[5], "the DPS state");
            s._reprovisionReason = f[6];
            s.Failures = (int)FieldRecord.Number(f[7], "the DPS state");
            s._lastFailure = f[8];
            s.LastFailureReported = f[9] == "1";
            if (s.AssignedHub.Length > 0 && !HostNames.IsHostName(s.AssignedHub))
            {
                throw new StorageException(StorageError.Corrupt, "the DPS state holds a hub that is not a host name");
            }
            return s;
        }

        /// <summary>Writes the state in one atomic commit.</summary>
        public void Save(RecordLog log)
        {
            var t = log.Begin();
            t.Put(LogKey, Encode());
            t.Commit();
        }

        /// <summary>A field-by-field copy (change the copy, save it, then adopt it: memory never runs ahead of flash).</summary>
        public DpsState Copy()
        {
            var c = new DpsState();
            c.RegistrationId = RegistrationId;
            c.AssignedHub = AssignedHub;
            c.DeviceId = DeviceId;
            c.Substatus = Substatus;
            c.LastUpdated = LastUpdated;
            c.AssignedAtTicks = AssignedAtTicks;
            c._reprovisionReason = _reprovisionReason;
            c.Failures = Failures;
            c._lastFailure = _lastFailure;
            c.LastFailureReported = LastFailureReported;
            return c;
        }

        internal byte[] Encode()
        {
            return FieldRecord.Encode(Version, new string[]
            {
                RegistrationId, AssignedHub, DeviceId, Substatus, LastUpdated, AssignedAtTicks.ToString(), _reprovisionReason,
                Failures.ToString(), _lastFailure, LastFailureReported ? "1" : "0",
            });
        }
    }
}
