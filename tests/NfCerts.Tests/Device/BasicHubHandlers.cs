using NfCerts.Core.Hub;
using NfCerts.Hal;

namespace NfCerts.Tests.Device
{
    /// <summary>Hub handlers for tests of the connection alone (<see cref="NfCerts.Core.Device.DeviceOptions.HubHandlers"/>): the connection lives, the
    /// twin is read, and nothing is acted on or reported; direct methods are answered 501.</summary>
    public sealed class BasicHubHandlers : IHubHandlers
    {
        /// <summary>C2D messages received (and dropped).</summary>
        public int Messages;
        /// <summary>Twins received.</summary>
        public int Twins;

        /// <inheritdoc/>
        public void OnMessage(HubMessage message)
        {
            Messages++;
        }

        /// <inheritdoc/>
        public void OnTwin(string twinJson)
        {
            Twins++;
        }

        /// <inheritdoc/>
        public void OnDesiredPatch(string patchJson, int version)
        {
        }

        /// <inheritdoc/>
        public void OnMethod(HubMethodCall call)
        {
            call.Status = 501;
            call.ResponseJson = "{}";
        }

        /// <inheritdoc/>
        public string? TakeReportedPatch()
        {
            return null;
        }

        /// <inheritdoc/>
        public void ReportedPatchSent(bool accepted)
        {
        }
    }
}
