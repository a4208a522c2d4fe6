using NfCerts.Hal;

namespace NfCerts.Core.Hub
{
    /// <summary>
    /// What the device does with what its hub sends, and what it reports back: the seam between the hub client
    /// (<c>HubClient</c>: the connection's life: connect, reconnect, resubscribe, GET the twin) and the device's handlers (root CA notices,
    /// configuration, methods, health).
    /// </summary>
    /// <remarks>
    /// <para>The hub client calls these on its own thread, one at a time, never two at once, under the store's lock
    /// (<c>HubClient.StoreLock</c>), so that what they write to the store never interleaves with the renewal engine's or
    /// the connection manager's work. None of them may block on the network: they run between the transport's events.</para>
    /// <para>Crash rules: a C2D message has already been acknowledged when <see cref="OnMessage"/> runs (nanoFramework's
    /// DeviceClient acknowledges on receipt), so whatever must not be lost is committed to the store before it returns.
    /// Desired properties are not replayed by the hub: after every (re)connect the client GETs the full twin and hands it to
    /// <see cref="OnTwin"/>, which reconciles by <c>$version</c>.</para>
    /// </remarks>
    public interface IHubHandlers
    {
        /// <summary>A cloud-to-device message (already acknowledged).</summary>
        void OnMessage(HubMessage message);

        /// <summary>The full twin (<c>{"desired":{...,"$version":N},"reported":{...}}</c>), after every connect.</summary>
        void OnTwin(string twinJson);

        /// <summary>A desired-properties patch received while connected; <paramref name="version"/> is its <c>$version</c>.</summary>
        void OnDesiredPatch(string patchJson, int version);

        /// <summary>A direct method call; the handler sets <see cref="HubMethodCall.Status"/> and
        /// <see cref="HubMethodCall.ResponseJson"/>.</summary>
        void OnMethod(HubMethodCall call);

        /// <summary>The reported-properties patch to send now (a JSON object, bounded), or null when nothing changed since
        /// the last patch the hub accepted.</summary>
        string? TakeReportedPatch();

        /// <summary>Tells whether the patch last returned by <see cref="TakeReportedPatch"/> was accepted by the hub; when
        /// it was not, the same changes are offered again.</summary>
        void ReportedPatchSent(bool accepted);
    }
}
