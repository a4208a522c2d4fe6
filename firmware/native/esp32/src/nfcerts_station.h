// The Wi-Fi station glue: joins one network at a time with an open, WPA2-PSK or EAP-TLS profile through ESP-IDF,
// keeps the buffers ESP-IDF holds pointers to alive for as long as it may read them, and turns ESP-IDF's events
// into an attempt result the managed side polls.
//
// Threading: the Station* functions are called from the nanoCLR interpreter thread; the event handlers run on
// ESP-IDF's default event loop task and the log hook on whichever task logs. All shared state is behind one mutex,
// and no ESP-IDF function is called from an event handler.
//
// Buffer lifetime (esp_eap_client.c keeps pointers to the CA certificate, client certificate, key and key
// password; it copies the identity and the domain name): a profile's buffers belong to a "generation". When a
// new profile is configured or the link is dropped, the current generation is retired: ESP-IDF's pointers are
// cleared (esp_eap_client_clear_*) and enterprise mode is disabled first, and the retired buffers are zeroed and
// freed only when the driver reports the old link down (WIFI_EVENT_STA_DISCONNECTED with a "leaving" reason, or
// any disconnect after it), or at once when no link or attempt was active. At most two retired generations are
// kept; the older one is released when a third would be added.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "nfcerts_status.h"

namespace nfcerts
{

// Fields of the profile being built by StationProfileSet.
enum ProfileField
{
    FieldSsid = 1,
    FieldPsk = 2,
    FieldIdentity = 3,
    FieldTrustedRoot = 4, // DER certificate; may be set several times, each adds a root
    FieldClientCertificate = 5,
    FieldClientKey = 6,
    FieldKeyPassword = 7,
    FieldServerDomain = 8
};

// Station states as the managed side sees them.
enum StationState
{
    StateIdle = 0,
    StateConnecting = 1,
    StateConnected = 2
};

// What StationPoll reports.
struct StationStatus
{
    int state;          // StationState
    int result;         // WifiReason of the last attempt, or -1 while it is pending or when there was none
    int espReason;      // the ESP-IDF disconnect reason behind result or linkLost, 0 if none
    int tlsError;       // the mbedTLS handshake error the supplicant logged, 0 if none
    int linkLost;       // WifiReason of a link loss not yet reported (consumed by this poll), 0 if none
};

// Registers the event handlers and the log hook (once). Returns ESP_OK or the ESP-IDF error.
int StationInit();

// Starts a new profile of the given security (WifiSecurityKind); discards one being built.
int StationProfileBegin(int security);

// Sets one field of the profile being built (a copy is taken). Returns WifiNone or WifiInvalidRequest.
int StationProfileSet(int field, const uint8_t *value, size_t length);

// Drops any current link or attempt, configures the profile built so far and starts connecting.
// Returns WifiNone when the attempt started, WifiInvalidRequest when the profile is unusable (nothing is changed
// then), or WifiRadioError when ESP-IDF refused a call (espError receives its code).
int StationConnect(int *espError);

// Drops the link or the attempt. Idempotent. A link dropped this way is not reported as lost.
void StationDisconnect();

// Gives up the current attempt (the managed deadline passed): as StationDisconnect, and the attempt's result
// becomes WifiTimeout.
void StationAbort();

// Reads the state and the attempt result.
void StationPoll(StationStatus *status);

// Number of retired buffer generations still held (for tests and diagnostics).
int StationRetiredGenerations();

// Forgets everything (tests only): state, buffers, registrations.
void StationResetForTests();

} // namespace nfcerts
