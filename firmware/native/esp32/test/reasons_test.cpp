// ESP-IDF disconnect reasons and supplicant lines to the HAL's failure reasons, and the C++ copy of the HAL's
// enums against the C# source.
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "esp_wifi.h"
#include "nfcerts_keys.h"
#include "nfcerts_reasons.h"

using namespace nfcerts;

namespace
{

TlsHint NoHint()
{
    return TlsHint{0, false};
}

TlsHint Hint(const char *line)
{
    TlsHint hint = NoHint();
    NoteSupplicantLine(line, hint);
    return hint;
}

// Parses "enum <name> { A = 1, B = 2, ... }" out of a C# file.
std::map<std::string, int> CSharpEnum(const std::string &file, const std::string &name)
{
    std::ifstream in(std::string(NFCERTS_REPO_ROOT) + "/" + file);
    std::stringstream text;
    text << in.rdbuf();
    std::string source = text.str();
    std::map<std::string, int> values;
    size_t start = source.find("enum " + name);
    if (start == std::string::npos)
    {
        return values;
    }

    size_t open = source.find('{', start);
    size_t close = source.find('}', open);
    std::string body = source.substr(open + 1, close - open - 1);
    std::regex member("([A-Za-z0-9]+)\\s*=\\s*([0-9]+)\\s*,");
    for (std::sregex_iterator it(body.begin(), body.end(), member), end; it != end; ++it)
    {
        values[(*it)[1]] = std::stoi((*it)[2]);
    }

    return values;
}

} // namespace

TEST(Reasons, NoAccessPointIsNetworkNotFound)
{
    const uint8_t reasons[] = {WIFI_REASON_NO_AP_FOUND, WIFI_REASON_NO_AP_FOUND_W_COMPATIBLE_SECURITY,
                               WIFI_REASON_NO_AP_FOUND_IN_AUTHMODE_THRESHOLD, WIFI_REASON_NO_AP_FOUND_IN_RSSI_THRESHOLD};
    for (uint8_t r : reasons)
    {
        EXPECT_EQ(WifiNetworkNotFound, MapAttemptFailure(r, SecurityWpa2EapTls, NoHint())) << (int)r;
        EXPECT_EQ(WifiNetworkNotFound, MapAttemptFailure(r, SecurityWpa2Psk, NoHint())) << (int)r;
    }
}

TEST(Reasons, WrongPassphraseShowsAsAFailedHandshake)
{
    const uint8_t reasons[] = {WIFI_REASON_4WAY_HANDSHAKE_TIMEOUT, WIFI_REASON_HANDSHAKE_TIMEOUT, WIFI_REASON_AUTH_FAIL,
                               WIFI_REASON_MIC_FAILURE, WIFI_REASON_802_1X_AUTH_FAILED};
    for (uint8_t r : reasons)
    {
        EXPECT_EQ(WifiAuthenticationFailed, MapAttemptFailure(r, SecurityWpa2Psk, NoHint())) << (int)r;
    }
}

TEST(Reasons, EapTlsFailuresAreToldApartByTheSupplicantsTlsError)
{
    // The lines tls_mbedtls.c logs; the number is the mbedTLS error in decimal.
    TlsHint serverRejected = Hint("W (5120) wpa: tls_connection_handshake: ret is -9984 line:771");
    TlsHint clientRejected = Hint("W (5120) wpa: tls_connection_handshake: ret is -30592 line:771");
    TlsHint badKey = Hint("E (5100) wpa: mbedtls_pk_parse_keyfile returned -0x3d00");
    TlsHint badCa = Hint("E (5100) wpa: mbedtls_x509_crt_parse returned -0x2180");
    EXPECT_EQ(MbedtlsX509CertVerifyFailed, serverRejected.handshakeError);

    EXPECT_EQ(WifiServerCertificateNotTrusted,
              MapAttemptFailure(WIFI_REASON_802_1X_AUTH_FAILED, SecurityWpa2EapTls, serverRejected));
    EXPECT_EQ(WifiClientCertificateRejected,
              MapAttemptFailure(WIFI_REASON_802_1X_AUTH_FAILED, SecurityWpa2EapTls, clientRejected));
    EXPECT_EQ(WifiInvalidRequest, MapAttemptFailure(WIFI_REASON_802_1X_AUTH_FAILED, SecurityWpa2EapTls, badKey));
    EXPECT_EQ(WifiInvalidRequest, MapAttemptFailure(WIFI_REASON_AUTH_FAIL, SecurityWpa2EapTls, badCa));
    // Without a log line (CONFIG_ESP_WIFI_DEBUG_PRINT off) all that is known is that authentication failed.
    EXPECT_EQ(WifiAuthenticationFailed, MapAttemptFailure(WIFI_REASON_802_1X_AUTH_FAILED, SecurityWpa2EapTls, NoHint()));
    // The supplicant's hint is ignored for PSK networks.
    EXPECT_EQ(WifiAuthenticationFailed, MapAttemptFailure(WIFI_REASON_802_1X_AUTH_FAILED, SecurityWpa2Psk, serverRejected));
    // A timeout after the server was rejected is still the server's certificate.
    EXPECT_EQ(WifiServerCertificateNotTrusted, MapAttemptFailure(WIFI_REASON_TIMEOUT, SecurityWpa2EapTls, serverRejected));
}

TEST(Reasons, SupplicantLinesThatSayNothingLeaveTheHintAlone)
{
    TlsHint hint = Hint("I (300) wifi:new:<6,0>, old:<1,0>, ap:<255,255>");
    EXPECT_EQ(0, hint.handshakeError);
    EXPECT_FALSE(hint.materialRejected);
    NoteSupplicantLine("W (1) wpa: tls_connection_handshake: ret is abc line:1", hint);
    EXPECT_EQ(0, hint.handshakeError);
    NoteSupplicantLine(nullptr, hint);
    EXPECT_EQ(0, hint.handshakeError);
}

TEST(Reasons, TimeoutsAndOtherCauses)
{
    EXPECT_EQ(WifiTimeout, MapAttemptFailure(WIFI_REASON_ASSOC_FAIL, SecurityOpen, NoHint()));
    EXPECT_EQ(WifiTimeout, MapAttemptFailure(WIFI_REASON_CONNECTION_FAIL, SecurityWpa2EapTls, NoHint()));
    EXPECT_EQ(WifiTimeout, MapAttemptFailure(WIFI_REASON_BEACON_TIMEOUT, SecurityWpa2Psk, NoHint()));
    EXPECT_EQ(WifiRadioError, MapAttemptFailure(WIFI_REASON_ROAMING, SecurityOpen, NoHint()));
}

TEST(Reasons, LinkLossIsLinkLostUnlessReauthenticationWasRefused)
{
    EXPECT_EQ(WifiLinkLost, MapLinkLoss(WIFI_REASON_BEACON_TIMEOUT, SecurityWpa2EapTls, NoHint()));
    EXPECT_EQ(WifiLinkLost, MapLinkLoss(WIFI_REASON_AUTH_LEAVE, SecurityWpa2Psk, NoHint()));
    TlsHint clientRejected = Hint("W (9) wpa: tls_connection_handshake: ret is -30592 line:771");
    EXPECT_EQ(WifiClientCertificateRejected, MapLinkLoss(WIFI_REASON_802_1X_AUTH_FAILED, SecurityWpa2EapTls, clientRejected));
}

TEST(Reasons, EveryReasonHasAName)
{
    EXPECT_STREQ("802.1X authentication failed", EspReasonName(WIFI_REASON_802_1X_AUTH_FAILED));
    EXPECT_STREQ("no AP found", EspReasonName(WIFI_REASON_NO_AP_FOUND));
    EXPECT_STREQ("other", EspReasonName(250));
}

TEST(HalEnums, CppValuesMatchTheCSharpContracts)
{
    std::map<std::string, int> failure = CSharpEnum("hal/NfCerts.Hal/IWifiRadio.cs", "WifiFailureReason");
    std::map<std::string, int> expected = {
        {"None", WifiNone},
        {"NetworkNotFound", WifiNetworkNotFound},
        {"AuthenticationFailed", WifiAuthenticationFailed},
        {"ServerCertificateNotTrusted", WifiServerCertificateNotTrusted},
        {"ClientCertificateRejected", WifiClientCertificateRejected},
        {"Timeout", WifiTimeout},
        {"LinkLost", WifiLinkLost},
        {"RadioError", WifiRadioError},
        {"InvalidRequest", WifiInvalidRequest},
        {"NotSupportedByFirmware", WifiNotSupportedByFirmware},
    };
    EXPECT_EQ(expected, failure);

    std::map<std::string, int> security = CSharpEnum("hal/NfCerts.Hal/IWifiRadio.cs", "WifiSecurity");
    std::map<std::string, int> expectedSecurity = {
        {"Open", SecurityOpen}, {"Wpa2Psk", SecurityWpa2Psk}, {"Wpa2EapTls", SecurityWpa2EapTls}};
    EXPECT_EQ(expectedSecurity, security);

    std::map<std::string, int> algorithms = CSharpEnum("hal/NfCerts.Hal/IKeyVault.cs", "KeyAlgorithm");
    std::map<std::string, int> expectedAlgorithms = {{"EcP256", KeyEcP256}, {"Rsa2048", KeyRsa2048}};
    EXPECT_EQ(expectedAlgorithms, algorithms);
}
