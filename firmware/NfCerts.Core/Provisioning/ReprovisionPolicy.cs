namespace NfCerts.Core.Provisioning
{
    /// <summary>What to do about DPS at a boot or after a hub outcome.</summary>
    public enum DpsDecision
    {
        /// <summary>Use the stored assignment; do not talk to DPS.</summary>
        UseAssignment = 1,
        /// <summary>Register with DPS now.</summary>
        Provision = 2,
    }

    /// <summary>When the device provisions: on first boot (no assignment), when the identity's registration ID is not the
    /// one the assignment was made for, and when a reprovision was asked for (the hub refused the device or does not know
    /// it, or the operator asked); never merely because the device booted or its certificate was renewed under the same CN.
    /// Pure: no I/O, no clock.</summary>
    public static class ReprovisionPolicy
    {
        /// <summary>The decision for <paramref name="state"/> and the identity's current <paramref name="registrationId"/>;
        /// <paramref name="reason"/> says why in words for the device's report.</summary>
        public static DpsDecision Decide(DpsState state, string registrationId, out string reason)
        {
            if (!state.HasAssignment)
            {
                reason = "first provisioning: no hub assignment stored";
                return DpsDecision.Provision;
            }
            if (state.ReprovisionReason.Length > 0)
            {
                reason = "reprovision asked: " + state.ReprovisionReason;
                return DpsDecision.Provision;
            }
            if (state.RegistrationId != registrationId)
            {
                reason = "identity changed from '" + state.RegistrationId + "' to '" + registrationId + "'";
                return DpsDecision.Provision;
            }
            reason = "assigned to " + state.AssignedHub + " as " + state.DeviceId;
            return DpsDecision.UseAssignment;
        }

        /// <summary>Whether a hub outcome asks for a reprovision: the hub refused the device's credentials
        /// (<paramref name="refused"/>, CONNACK not authorized) or does not know the device (<paramref name="unknownDevice"/>).
        /// A transport failure or a timeout is the network's fault, not the assignment's: it never reprovisions.</summary>
        public static bool HubAsksReprovision(bool refused, bool unknownDevice)
        {
            return refused || unknownDevice;
        }
    }
}
