#include "nfcerts_reasons.h"

#include <stdlib.h>
#include <string.h>

#include "esp_wifi.h"

namespace nfcerts
{

namespace
{

bool IsNotFound(uint8_t r)
{
    return r == WIFI_REASON_NO_AP_FOUND || r == WIFI_REASON_NO_AP_FOUND_W_COMPATIBLE_SECURITY ||
           r == WIFI_REASON_NO_AP_FOUND_IN_AUTHMODE_THRESHOLD || r == WIFI_REASON_NO_AP_FOUND_IN_RSSI_THRESHOLD;
}

// Reasons that mean the AP or the authenticator refused our credentials or the key exchange failed.
// A wrong WPA2 passphrase shows up as a 4-way handshake that never completes (15 or 204), or as a MIC failure.
bool IsAuthentication(uint8_t r)
{
    switch (r)
    {
        case WIFI_REASON_AUTH_EXPIRE:
        case WIFI_REASON_ASSOC_NOT_AUTHED:
        case WIFI_REASON_IE_INVALID:
        case WIFI_REASON_MIC_FAILURE:
        case WIFI_REASON_4WAY_HANDSHAKE_TIMEOUT:
        case WIFI_REASON_GROUP_KEY_UPDATE_TIMEOUT:
        case WIFI_REASON_IE_IN_4WAY_DIFFERS:
        case WIFI_REASON_GROUP_CIPHER_INVALID:
        case WIFI_REASON_PAIRWISE_CIPHER_INVALID:
        case WIFI_REASON_AKMP_INVALID:
        case WIFI_REASON_UNSUPP_RSN_IE_VERSION:
        case WIFI_REASON_INVALID_RSN_IE_CAP:
        case WIFI_REASON_802_1X_AUTH_FAILED:
        case WIFI_REASON_CIPHER_SUITE_REJECTED:
        case WIFI_REASON_BAD_CIPHER_OR_AKM:
        case WIFI_REASON_AUTH_FAIL:
        case WIFI_REASON_HANDSHAKE_TIMEOUT:
            return true;
        default:
            return false;
    }
}

bool IsTimeout(uint8_t r)
{
    return r == WIFI_REASON_TIMEOUT || r == WIFI_REASON_ASSOC_FAIL || r == WIFI_REASON_CONNECTION_FAIL ||
           r == WIFI_REASON_BEACON_TIMEOUT || r == WIFI_REASON_ASSOC_COMEBACK_TIME_TOO_LONG ||
           r == WIFI_REASON_SA_QUERY_TIMEOUT;
}

// For EAP-TLS, the TLS hint decides which side refused; without one the failure stays AuthenticationFailed.
WifiReason Refine(WifiSecurityKind security, const TlsHint &hint)
{
    if (security != SecurityWpa2EapTls)
    {
        return WifiAuthenticationFailed;
    }

    if (hint.materialRejected)
    {
        return WifiInvalidRequest;
    }

    if (hint.handshakeError == MbedtlsX509CertVerifyFailed)
    {
        return WifiServerCertificateNotTrusted;
    }

    if (hint.handshakeError == MbedtlsSslFatalAlertMessage)
    {
        return WifiClientCertificateRejected;
    }

    return WifiAuthenticationFailed;
}

} // namespace

void NoteSupplicantLine(const char *line, TlsHint &hint)
{
    if (line == nullptr)
    {
        return;
    }

    const char *handshake = strstr(line, "tls_connection_handshake: ret is ");
    if (handshake != nullptr)
    {
        const char *number = handshake + strlen("tls_connection_handshake: ret is ");
        char *end = nullptr;
        long value = strtol(number, &end, 10);
        if (end != number && value < 0)
        {
            hint.handshakeError = (int)value;
        }

        return;
    }

    if (strstr(line, "mbedtls_x509_crt_parse returned") != nullptr || strstr(line, "mbedtls_pk_parse_key") != nullptr)
    {
        hint.materialRejected = true;
    }
}

WifiReason MapAttemptFailure(uint8_t espReason, WifiSecurityKind security, const TlsHint &hint)
{
    if (IsNotFound(espReason))
    {
        return WifiNetworkNotFound;
    }

    if (IsAuthentication(espReason))
    {
        return Refine(security, hint);
    }

    if (IsTimeout(espReason))
    {
        // An EAP-TLS attempt can also end in a timeout after the handshake failed on our side.
        WifiReason refined = Refine(security, hint);
        return refined == WifiAuthenticationFailed ? WifiTimeout : refined;
    }

    return WifiRadioError;
}

WifiReason MapLinkLoss(uint8_t espReason, WifiSecurityKind security, const TlsHint &hint)
{
    if (espReason == WIFI_REASON_802_1X_AUTH_FAILED || espReason == WIFI_REASON_AUTH_FAIL)
    {
        // Re-authentication (a RADIUS session timeout, a rekey) was refused while the link was up.
        return Refine(security, hint);
    }

    return WifiLinkLost;
}

const char *EspReasonName(uint8_t espReason)
{
    switch (espReason)
    {
        case WIFI_REASON_UNSPECIFIED: return "unspecified";
        case WIFI_REASON_AUTH_EXPIRE: return "authentication expired";
        case WIFI_REASON_AUTH_LEAVE: return "deauthenticated (leaving)";
        case WIFI_REASON_DISASSOC_DUE_TO_INACTIVITY: return "disassociated (inactivity)";
        case WIFI_REASON_ASSOC_TOOMANY: return "too many stations";
        case WIFI_REASON_ASSOC_LEAVE: return "disassociated (leaving)";
        case WIFI_REASON_ASSOC_NOT_AUTHED: return "associated but not authenticated";
        case WIFI_REASON_MIC_FAILURE: return "MIC failure";
        case WIFI_REASON_4WAY_HANDSHAKE_TIMEOUT: return "4-way handshake timeout";
        case WIFI_REASON_802_1X_AUTH_FAILED: return "802.1X authentication failed";
        case WIFI_REASON_TIMEOUT: return "timeout";
        case WIFI_REASON_BEACON_TIMEOUT: return "beacon timeout";
        case WIFI_REASON_NO_AP_FOUND: return "no AP found";
        case WIFI_REASON_AUTH_FAIL: return "authentication failed";
        case WIFI_REASON_ASSOC_FAIL: return "association failed";
        case WIFI_REASON_HANDSHAKE_TIMEOUT: return "handshake timeout";
        case WIFI_REASON_CONNECTION_FAIL: return "connection failed";
        case WIFI_REASON_NO_AP_FOUND_W_COMPATIBLE_SECURITY: return "no AP found with compatible security";
        case WIFI_REASON_NO_AP_FOUND_IN_AUTHMODE_THRESHOLD: return "no AP found in the auth mode threshold";
        case WIFI_REASON_NO_AP_FOUND_IN_RSSI_THRESHOLD: return "no AP found in the RSSI threshold";
        default: return "other";
    }
}

} // namespace nfcerts
