namespace NfCerts.Emulators.Hub;

/// <summary>What the emulator has done since it started, for tests and benchmarks.</summary>
/// <param name="Handshakes">TLS handshakes completed.</param>
/// <param name="HandshakeFailures">TLS handshakes that failed (a client that did not trust the server chain, ...).</param>
/// <param name="Connections">MQTT connections accepted (CONNACK 0).</param>
/// <param name="Refusals">MQTT connections refused (CONNACK not 0).</param>
/// <param name="MessagesIn">PUBLISH packets received from devices.</param>
/// <param name="MessagesOut">PUBLISH packets queued to devices.</param>
/// <param name="C2dCompleted">C2D messages acknowledged by their device.</param>
/// <param name="C2dExpired">C2D messages dropped because their TTL passed.</param>
/// <param name="C2dDeadLettered">C2D messages dropped after the maximum delivery count.</param>
public sealed record HubCounters(long Handshakes, long HandshakeFailures, long Connections, long Refusals, long MessagesIn,
    long MessagesOut, long C2dCompleted, long C2dExpired, long C2dDeadLettered);
