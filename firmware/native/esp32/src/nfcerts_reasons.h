// Maps what ESP-IDF reports about a failed or lost station link to the HAL's WifiFailureReason.
// Pure functions: no ESP-IDF calls, so they are tested on the host without the fake.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "nfcerts_status.h"

namespace nfcerts
{

// What the supplicant's log said about the EAP-TLS handshake of the current attempt.
// ESP-IDF posts no event for certificate errors; its supplicant (wpa_supplicant/esp_supplicant/src/crypto/
// tls_mbedtls.c) logs "tls_connection_handshake: ret is <mbedTLS error> line:<n>" when the handshake fails and
// "mbedtls_x509_crt_parse returned -0x.." / "mbedtls_pk_parse_key... returned -0x.." when our material does not
// parse. The station glue hooks ESP-IDF's log output (esp_log_set_vprintf) and feeds each line here.
struct TlsHint
{
    int handshakeError; // the mbedTLS error of the failed handshake step, 0 if none was seen
    bool materialRejected; // the supplicant could not parse the CA, certificate or key we gave it
};

// mbedTLS error codes that tell the two certificate failures apart (same values in mbedTLS 2.28 and 3.x).
const int MbedtlsX509CertVerifyFailed = -0x2700; // MBEDTLS_ERR_X509_CERT_VERIFY_FAILED: we rejected the server
const int MbedtlsSslFatalAlertMessage = -0x7780; // MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE: the server sent a fatal alert

// Reads one supplicant log line into the hint. Lines that say nothing about TLS leave it unchanged.
void NoteSupplicantLine(const char *line, TlsHint &hint);

// The reason for a WIFI_EVENT_STA_DISCONNECTED that ended a connection attempt (no IP address yet).
WifiReason MapAttemptFailure(uint8_t espReason, WifiSecurityKind security, const TlsHint &hint);

// The reason for a WIFI_EVENT_STA_DISCONNECTED that ended a link that was up: always LinkLost, except the
// handful of causes that mean the credentials are no longer accepted (re-authentication failed).
WifiReason MapLinkLoss(uint8_t espReason, WifiSecurityKind security, const TlsHint &hint);

// A short English name for an ESP-IDF disconnect reason ("802.1X authentication failed"), for diagnostics.
const char *EspReasonName(uint8_t espReason);

} // namespace nfcerts
