// The station glue against the fake driver and supplicant: call order, buffer lifetimes across profile switches,
// reason mapping end to end, and request validation.
#include <string.h>

#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "esp_log.h"
#include "fake_idf.h"
#include "nfcerts_station.h"
#include "openssl_tool.h"

using namespace nfcerts;
using testing_tools::Bytes;
using testing_tools::OpenSsl;

namespace
{

struct Material
{
    std::vector<uint8_t> root1, root2, otherRoot, certificate, key;
    // A device PKI with an issuing CA: deviceRoot -> issuing -> chained (key chainedKey).
    std::vector<uint8_t> deviceRoot, issuing, chained, chainedKey;
};

Material *material = nullptr;

void Set(int field, const std::vector<uint8_t> &value)
{
    ASSERT_EQ(WifiNone, StationProfileSet(field, value.data(), value.size())) << field;
}

void Set(int field, const std::string &value)
{
    Set(field, Bytes(value));
}

int ConnectOpen(const std::string &ssid)
{
    StationProfileBegin(SecurityOpen);
    Set(FieldSsid, ssid);
    return StationConnect(nullptr);
}

int ConnectPsk(const std::string &ssid, const std::string &psk)
{
    StationProfileBegin(SecurityWpa2Psk);
    Set(FieldSsid, ssid);
    Set(FieldPsk, psk);
    return StationConnect(nullptr);
}

int ConnectEap(const std::string &ssid, const std::vector<std::vector<uint8_t> > &roots, const char *domain = nullptr,
               const char *password = nullptr)
{
    StationProfileBegin(SecurityWpa2EapTls);
    Set(FieldSsid, ssid);
    Set(FieldIdentity, "device-001");
    for (size_t i = 0; i < roots.size(); i++)
    {
        Set(FieldTrustedRoot, roots[i]);
    }

    Set(FieldClientCertificate, material->certificate);
    Set(FieldClientKey, material->key);
    if (domain != nullptr)
    {
        Set(FieldServerDomain, domain);
    }

    if (password != nullptr)
    {
        Set(FieldKeyPassword, password);
    }

    return StationConnect(nullptr);
}

std::vector<uint8_t> Join(const std::vector<std::vector<uint8_t> > &parts)
{
    std::vector<uint8_t> all;
    for (const std::vector<uint8_t> &p : parts)
    {
        all.insert(all.end(), p.begin(), p.end());
    }

    return all;
}

int ConnectEapWith(const std::string &ssid, const std::vector<uint8_t> &chain, const std::vector<uint8_t> &key)
{
    StationProfileBegin(SecurityWpa2EapTls);
    Set(FieldSsid, ssid);
    Set(FieldIdentity, "device-001");
    Set(FieldTrustedRoot, material->root1);
    Set(FieldClientCertificate, chain);
    Set(FieldClientKey, key);
    return StationConnect(nullptr);
}

int CountOf(const std::string &text, const std::string &what)
{
    int n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    {
        n++;
    }

    return n;
}

StationStatus Poll()
{
    StationStatus status;
    StationPoll(&status);
    return status;
}

class StationTest : public ::testing::Test
{
protected:
    static void SetUpTestSuite()
    {
        OpenSsl ssl;
        ssl.MakeSelfSigned("root1", "ec", "/CN=RADIUS Root 1");
        ssl.MakeSelfSigned("root2", "rsa", "/CN=RADIUS Root 2");
        ssl.MakeSelfSigned("other", "ec", "/CN=Somebody Else");
        ssl.MakeSelfSigned("client", "ec", "/CN=device-001");
        ssl.MakeSelfSigned("deviceroot", "ec", "/CN=Device Root");
        ssl.MakeIssued("issuing", "/CN=Device Issuing CA", "deviceroot", true);
        ssl.MakeIssued("chained", "/CN=device-001", "issuing", false);
        material = new Material();
        material->root1 = ssl.Read("root1.crt.der");
        material->root2 = ssl.Read("root2.crt.der");
        material->otherRoot = ssl.Read("other.crt.der");
        material->certificate = ssl.Read("client.crt.der");
        material->key = ssl.Read("client.key.der");
        material->deviceRoot = ssl.Read("deviceroot.crt.der");
        material->issuing = ssl.Read("issuing.crt.der");
        material->chained = ssl.Read("chained.crt.der");
        material->chainedKey = ssl.Read("chained.key.der");
    }

    static void TearDownTestSuite()
    {
        delete material;
        material = nullptr;
    }

    void SetUp() override
    {
        StationResetForTests();
        fake_idf::Reset();
        ASSERT_EQ(ESP_OK, StationInit());

        fake_idf::AccessPoint open;
        open.ssid = "Cafe";
        fake_idf::AddAccessPoint(open);

        fake_idf::AccessPoint psk;
        psk.ssid = "Home";
        psk.security = fake_idf::ApWpa2Psk;
        psk.psk = "correct horse";
        fake_idf::AddAccessPoint(psk);

        fake_idf::AccessPoint network1;
        network1.ssid = "Network1";
        network1.security = fake_idf::ApWpa2Enterprise;
        network1.serverRoot = material->root1;
        network1.serverName = "radius.contoso.test";
        network1.expectedIdentity = "device-001";
        fake_idf::AddAccessPoint(network1);

        fake_idf::AccessPoint network2 = network1;
        network2.ssid = "Network2";
        network2.serverRoot = material->root2;
        fake_idf::AddAccessPoint(network2);
    }

    void TearDown() override
    {
        // Whatever the test did, the driver never saw a buffer change under it.
        EXPECT_EQ(0, fake_idf::StaleBufferReads());
        StationResetForTests();
    }
};

} // namespace

TEST_F(StationTest, OpenNetworkConnectsWhenTheAddressArrives)
{
    ASSERT_EQ(WifiNone, ConnectOpen("Cafe"));
    EXPECT_EQ(StateConnecting, Poll().state);
    EXPECT_EQ(-1, Poll().result);
    fake_idf::RunEvents();
    StationStatus status = Poll();
    EXPECT_EQ(StateConnected, status.state);
    EXPECT_EQ(WifiNone, status.result);
    EXPECT_EQ(0, memcmp("Cafe", fake_idf::LastConfig().sta.ssid, 5));
    EXPECT_EQ(WIFI_AUTH_OPEN, fake_idf::LastConfig().sta.threshold.authmode);
    EXPECT_FALSE(fake_idf::Eap().enterpriseEnabled);
}

TEST_F(StationTest, PskConfiguresThePassphraseWithEnterpriseModeOff)
{
    ASSERT_EQ(WifiNone, ConnectPsk("Home", "correct horse"));
    int disable = fake_idf::IndexOf("esp_wifi_sta_enterprise_disable");
    int config = fake_idf::IndexOf("esp_wifi_set_config");
    int connect = fake_idf::IndexOf("esp_wifi_connect");
    ASSERT_GE(disable, 0);
    EXPECT_LT(disable, config);
    EXPECT_LT(config, connect);
    EXPECT_EQ(-1, fake_idf::IndexOf("esp_wifi_sta_enterprise_enable"));
    EXPECT_EQ(0, memcmp("correct horse", fake_idf::LastConfig().sta.password, 14));
    EXPECT_EQ(WIFI_AUTH_WPA2_PSK, fake_idf::LastConfig().sta.threshold.authmode);
    fake_idf::RunEvents();
    EXPECT_EQ(StateConnected, Poll().state);
}

TEST_F(StationTest, EapTlsHandsTheMaterialToTheSupplicantBeforeConnecting)
{
    ASSERT_EQ(WifiNone, ConnectEap("Network1", {material->root2, material->root1}, "radius.contoso.test"));
    int identity = fake_idf::IndexOf("esp_eap_client_set_identity");
    int ca = fake_idf::IndexOf("esp_eap_client_set_ca_cert");
    int certificate = fake_idf::IndexOf("esp_eap_client_set_certificate_and_key");
    int domain = fake_idf::IndexOf("esp_eap_client_set_domain_name", certificate);
    int timeCheck = fake_idf::IndexOf("esp_eap_client_set_disable_time_check");
    int config = fake_idf::IndexOf("esp_wifi_set_config");
    int enable = fake_idf::IndexOf("esp_wifi_sta_enterprise_enable");
    int connect = fake_idf::IndexOf("esp_wifi_connect");
    for (int index : {identity, ca, certificate, domain, timeCheck, config, enable})
    {
        ASSERT_GE(index, 0);
        EXPECT_LT(index, connect);
    }

    EXPECT_LT(config, enable);
    const fake_idf::EapState &eap = fake_idf::Eap();
    EXPECT_TRUE(eap.enterpriseEnabled);
    EXPECT_TRUE(eap.timeCheckDisabled);
    EXPECT_EQ("device-001", eap.identity);
    EXPECT_EQ("radius.contoso.test", eap.domain);
    EXPECT_EQ(0, eap.ca[eap.caLength - 1]) << "the PEM bundle is NUL-terminated";
    EXPECT_EQ((int)material->certificate.size(), eap.certificateLength);
    EXPECT_EQ(0, memcmp(material->key.data(), eap.key, material->key.size()));
    EXPECT_EQ(nullptr, eap.password);
    EXPECT_EQ(WIFI_AUTH_WPA2_ENTERPRISE, fake_idf::LastConfig().sta.threshold.authmode)
        << "an open twin of the SSID must not be joined";

    fake_idf::RunEvents();
    EXPECT_EQ(StateConnected, Poll().state);
    EXPECT_GT(fake_idf::BufferReads(), 0) << "the supplicant read the material at connection time";
}

TEST_F(StationTest, SwitchingFromEapToPskClearsTheSupplicantAndKeepsBuffersUntilTheOldLinkIsDown)
{
    ASSERT_EQ(WifiNone, ConnectEap("Network1", {material->root1}));
    fake_idf::RunEvents();
    ASSERT_EQ(StateConnected, Poll().state);
    fake_idf::ClearCalls();

    ASSERT_EQ(WifiNone, ConnectPsk("Home", "correct horse"));
    // The old link is dropped first, enterprise mode goes off and every kept pointer is cleared before the new
    // configuration is written.
    int disconnect = fake_idf::IndexOf("esp_wifi_disconnect");
    int disable = fake_idf::IndexOf("esp_wifi_sta_enterprise_disable");
    int clearCa = fake_idf::IndexOf("esp_eap_client_clear_ca_cert");
    int clearKey = fake_idf::IndexOf("esp_eap_client_clear_certificate_and_key");
    int config = fake_idf::IndexOf("esp_wifi_set_config");
    EXPECT_EQ(0, disconnect);
    EXPECT_LT(disconnect, disable);
    EXPECT_LT(disable, config);
    EXPECT_LT(clearCa, config);
    EXPECT_LT(clearKey, config);
    EXPECT_FALSE(fake_idf::Eap().enterpriseEnabled);
    EXPECT_EQ(nullptr, fake_idf::Eap().ca);
    EXPECT_EQ(nullptr, fake_idf::Eap().key);

    // ESP-IDF has not reported the old link down yet: its buffers must still be there.
    EXPECT_EQ(1, StationRetiredGenerations());
    int readsBefore = fake_idf::BufferReads();
    fake_idf::RunEvents(); // the supplicant reads the old buffers once more, then the disconnect arrives
    EXPECT_GT(fake_idf::BufferReads(), readsBefore);
    EXPECT_EQ(0, StationRetiredGenerations());
    StationStatus status = Poll();
    EXPECT_EQ(StateConnected, status.state) << "the old link's leave event is not the new attempt's failure";
    EXPECT_EQ(0, status.linkLost) << "a link dropped by a new connect is not reported as lost";
}

TEST_F(StationTest, SwitchingBetweenEapNetworksKeepsTheOldMaterialAliveUntilTheDisconnect)
{
    ASSERT_EQ(WifiNone, ConnectEap("Network1", {material->root1}));
    // Switch while the first attempt is still in flight (the duplicate-network fallback does this on a timeout).
    ASSERT_EQ(WifiNone, ConnectEap("Network2", {material->root2}));
    EXPECT_EQ(1, StationRetiredGenerations());
    fake_idf::RunEvents();
    EXPECT_EQ(0, StationRetiredGenerations());
    EXPECT_EQ(StateConnected, Poll().state);
    EXPECT_EQ(0, memcmp("Network2", fake_idf::LastConfig().sta.ssid, 9));
}

TEST_F(StationTest, AKeyPasswordDoesNotLeakIntoTheNextProfile)
{
    ASSERT_EQ(WifiNone, ConnectEap("Network1", {material->root1}, nullptr, "pw"));
    EXPECT_NE(nullptr, fake_idf::Eap().password);
    fake_idf::RunEvents(); // the key is not encrypted: mbedTLS ignores the password
    ASSERT_EQ(WifiNone, ConnectEap("Network1", {material->root1}));
    // esp_eap_client_set_certificate_and_key with no password keeps the old pointer unless it was cleared.
    EXPECT_EQ(nullptr, fake_idf::Eap().password);
    EXPECT_EQ(0, fake_idf::Eap().passwordLength);
    EXPECT_FALSE(fake_idf::Eap().hasDomain);
    fake_idf::RunEvents();
}

TEST_F(StationTest, DisconnectReleasesOnlyAfterTheDriverReportsTheLinkDown)
{
    ASSERT_EQ(WifiNone, ConnectEap("Network1", {material->root1}));
    fake_idf::RunEvents();
    StationDisconnect();
    EXPECT_EQ(StateIdle, Poll().state);
    EXPECT_EQ(1, StationRetiredGenerations());
    EXPECT_FALSE(fake_idf::Eap().enterpriseEnabled);
    fake_idf::RunEvents();
    EXPECT_EQ(0, StationRetiredGenerations());
    EXPECT_EQ(0, Poll().linkLost);
    StationDisconnect(); // idempotent, and with nothing active nothing is retired
    EXPECT_EQ(0, StationRetiredGenerations());
    EXPECT_EQ(-1, fake_idf::IndexOf("esp_wifi_disconnect", fake_idf::IndexOf("esp_wifi_disconnect") + 1));
}

TEST_F(StationTest, FailuresMapToTheHalReasons)
{
    struct Case
    {
        const char *name;
        std::function<int()> connect;
        int reason;
        int espReason;
    } cases[] = {
        {"no such network", [] { return ConnectOpen("Nowhere"); }, WifiNetworkNotFound, WIFI_REASON_NO_AP_FOUND},
        {"wrong passphrase", [] { return ConnectPsk("Home", "wrong horse"); }, WifiAuthenticationFailed,
         WIFI_REASON_4WAY_HANDSHAKE_TIMEOUT},
        {"server root not trusted", [] { return ConnectEap("Network2", {material->root1}); },
         WifiServerCertificateNotTrusted, WIFI_REASON_802_1X_AUTH_FAILED},
        {"server name mismatch", [] { return ConnectEap("Network1", {material->root1}, "evil.test"); },
         WifiServerCertificateNotTrusted, WIFI_REASON_802_1X_AUTH_FAILED},
        {"EAP profile on an open twin", [] { return ConnectEap("Cafe", {material->root1}); }, WifiNetworkNotFound,
         WIFI_REASON_NO_AP_FOUND_IN_AUTHMODE_THRESHOLD},
    };
    for (const Case &c : cases)
    {
        SCOPED_TRACE(c.name);
        ASSERT_EQ(WifiNone, c.connect());
        fake_idf::RunEvents();
        StationStatus status = Poll();
        EXPECT_EQ(StateIdle, status.state);
        EXPECT_EQ(c.reason, status.result);
        EXPECT_EQ(c.espReason, status.espReason);
    }
}

TEST_F(StationTest, ARejectedClientCertificateIsReportedAsSuch)
{
    fake_idf::AccessPoint strict;
    strict.ssid = "Strict";
    strict.security = fake_idf::ApWpa2Enterprise;
    strict.serverRoot = material->root1;
    strict.acceptClientCertificate = false;
    fake_idf::AddAccessPoint(strict);
    ASSERT_EQ(WifiNone, ConnectEap("Strict", {material->root1}));
    fake_idf::RunEvents();
    StationStatus status = Poll();
    EXPECT_EQ(WifiClientCertificateRejected, status.result);
    EXPECT_EQ(-0x7780, status.tlsError);

    // The next attempt starts with a clean hint.
    ASSERT_EQ(WifiNone, ConnectEap("Network1", {material->root1}));
    EXPECT_EQ(0, Poll().tlsError);
    fake_idf::RunEvents();
    EXPECT_EQ(WifiNone, Poll().result);
}

TEST_F(StationTest, ALostLinkIsReportedOnceAndAnAbortedAttemptIsATimeout)
{
    ASSERT_EQ(WifiNone, ConnectPsk("Home", "correct horse"));
    fake_idf::RunEvents();
    fake_idf::DropLink(WIFI_REASON_BEACON_TIMEOUT);
    fake_idf::RunEvents();
    StationStatus status = Poll();
    EXPECT_EQ(StateIdle, status.state);
    EXPECT_EQ(WifiLinkLost, status.linkLost);
    EXPECT_EQ(WIFI_REASON_BEACON_TIMEOUT, status.espReason);
    EXPECT_EQ(0, Poll().linkLost) << "reported once";

    fake_idf::RemoveAccessPoint("Home");
    ASSERT_EQ(WifiNone, ConnectPsk("Home", "correct horse"));
    StationAbort(); // the managed deadline passed before the driver answered
    fake_idf::RunEvents();
    status = Poll();
    EXPECT_EQ(StateIdle, status.state);
    EXPECT_EQ(WifiTimeout, status.result);
}

TEST_F(StationTest, UnusableRequestsAreRefusedWithoutTouchingTheDriver)
{
    std::vector<uint8_t> tooLongSsid(33, 'x');
    std::vector<uint8_t> longIdentity(128, 'i');
    std::vector<uint8_t> pemRoot = Bytes("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    struct Case
    {
        const char *name;
        std::function<void()> build;
    } cases[] = {
        {"no SSID", [] { StationProfileBegin(SecurityOpen); }},
        {"SSID over 32 bytes", [&] { StationProfileBegin(SecurityOpen); Set(FieldSsid, tooLongSsid); }},
        {"PSK of 7 characters", [] { StationProfileBegin(SecurityWpa2Psk); Set(FieldSsid, "Home"); Set(FieldPsk, "1234567"); }},
        {"PSK of 64 non-hex characters", [] { StationProfileBegin(SecurityWpa2Psk); Set(FieldSsid, "Home"); Set(FieldPsk, std::string(64, 'z')); }},
        {"PSK missing", [] { StationProfileBegin(SecurityWpa2Psk); Set(FieldSsid, "Home"); }},
        {"EAP without roots", [] {
             StationProfileBegin(SecurityWpa2EapTls); Set(FieldSsid, "Network1"); Set(FieldIdentity, "d");
             Set(FieldClientCertificate, material->certificate); Set(FieldClientKey, material->key); }},
        {"EAP with a PEM root", [&] {
             StationProfileBegin(SecurityWpa2EapTls); Set(FieldSsid, "Network1"); Set(FieldIdentity, "d");
             Set(FieldTrustedRoot, pemRoot); Set(FieldClientCertificate, material->certificate);
             Set(FieldClientKey, material->key); }},
        {"EAP without a key", [] {
             StationProfileBegin(SecurityWpa2EapTls); Set(FieldSsid, "Network1"); Set(FieldIdentity, "d");
             Set(FieldTrustedRoot, material->root1); Set(FieldClientCertificate, material->certificate); }},
        {"EAP identity over 127 bytes", [&] {
             StationProfileBegin(SecurityWpa2EapTls); Set(FieldSsid, "Network1"); Set(FieldIdentity, longIdentity);
             Set(FieldTrustedRoot, material->root1); Set(FieldClientCertificate, material->certificate);
             Set(FieldClientKey, material->key); }},
        {"server domain over 255 bytes", [&] {
             StationProfileBegin(SecurityWpa2EapTls); Set(FieldSsid, "Network1"); Set(FieldIdentity, "d");
             Set(FieldTrustedRoot, material->root1); Set(FieldClientCertificate, material->certificate);
             Set(FieldClientKey, material->key); Set(FieldServerDomain, std::string(256, 'd')); }},
        {"no profile begun", [] {}},
    };
    for (const Case &c : cases)
    {
        SCOPED_TRACE(c.name);
        fake_idf::ClearCalls();
        c.build();
        EXPECT_EQ(WifiInvalidRequest, StationConnect(nullptr));
        EXPECT_TRUE(fake_idf::Calls().empty()) << fake_idf::Calls().front();
    }

    EXPECT_EQ(WifiInvalidRequest, StationProfileBegin(7));
    StationProfileBegin(SecurityOpen);
    const uint8_t withNul[] = {'a', 0, 'b'};
    EXPECT_EQ(WifiInvalidRequest, StationProfileSet(FieldServerDomain, withNul, sizeof(withNul)));
    EXPECT_EQ(WifiInvalidRequest, StationProfileSet(99, withNul, 1));
}

TEST_F(StationTest, AServerDomainUpTo255BytesReachesTheSupplicant)
{
    std::string domain = std::string(251, 'a') + ".com";
    ASSERT_EQ(WifiNone, ConnectEap("Network1", {material->root1}, domain.c_str()));
    EXPECT_TRUE(fake_idf::Eap().hasDomain);
    EXPECT_EQ(domain, fake_idf::Eap().domain);
    fake_idf::RunEvents();
    EXPECT_EQ(WifiServerCertificateNotTrusted, Poll().result); // the server is radius.contoso.test
}

TEST_F(StationTest, TheSupplicantLogTagIsLetThroughThoughNanoFrameworkSilencesEveryTag)
{
    // SetUp's fake starts as nanoFramework's app_main leaves ESP-IDF: every tag at ESP_LOG_NONE.
    EXPECT_EQ(ESP_LOG_INFO, esp_log_level_get("wpa"));
    EXPECT_EQ(ESP_LOG_NONE, esp_log_level_get("wifi")); // only the supplicant's tag is raised

    // A level set higher before the station starts is kept.
    StationResetForTests();
    fake_idf::Reset();
    esp_log_level_set("wpa", ESP_LOG_DEBUG);
    ASSERT_EQ(ESP_OK, StationInit());
    EXPECT_EQ(ESP_LOG_DEBUG, esp_log_level_get("wpa"));
}

TEST_F(StationTest, ADriverRefusalIsARadioErrorAndLeavesNothingHandedOver)
{
    fake_idf::FailNext("esp_wifi_connect", ESP_ERR_WIFI_NOT_STARTED);
    StationProfileBegin(SecurityWpa2EapTls);
    Set(FieldSsid, "Network1");
    Set(FieldIdentity, "device-001");
    Set(FieldTrustedRoot, material->root1);
    Set(FieldClientCertificate, material->certificate);
    Set(FieldClientKey, material->key);
    int espError = 0;
    EXPECT_EQ(WifiRadioError, StationConnect(&espError));
    EXPECT_EQ(ESP_ERR_WIFI_NOT_STARTED, espError);
    EXPECT_EQ(StateIdle, Poll().state);
    EXPECT_EQ(WifiRadioError, Poll().result);
    EXPECT_FALSE(fake_idf::Eap().enterpriseEnabled);
    EXPECT_EQ(nullptr, fake_idf::Eap().key);
    EXPECT_EQ(0, StationRetiredGenerations());
}

TEST_F(StationTest, AClientChainReachesTheSupplicantAsPemAndSatisfiesAServerTrustingOnlyTheRoot)
{
    fake_idf::AccessPoint site;
    site.ssid = "Chained";
    site.security = fake_idf::ApWpa2Enterprise;
    site.serverRoot = material->root1;
    site.clientRoot = material->deviceRoot;
    fake_idf::AddAccessPoint(site);

    // The leaf alone: the server cannot link it to its root.
    ASSERT_EQ(WifiNone, ConnectEapWith("Chained", material->chained, material->chainedKey));
    EXPECT_EQ((int)material->chained.size(), fake_idf::Eap().certificateLength) << "one certificate goes as DER";
    fake_idf::RunEvents();
    EXPECT_EQ(WifiClientCertificateRejected, Poll().result);

    // Leaf + issuing CA, as the store keeps them: mbedtls_x509_crt_parse reads only the first DER certificate, so the
    // supplicant must get PEM, NUL-terminated, with both.
    ASSERT_EQ(WifiNone, ConnectEapWith("Chained", Join({material->chained, material->issuing}), material->chainedKey));
    const fake_idf::EapState &eap = fake_idf::Eap();
    std::string pem((const char *)eap.certificate, eap.certificateLength);
    EXPECT_EQ(0, eap.certificate[eap.certificateLength - 1]);
    EXPECT_EQ(2, CountOf(pem, "-----BEGIN CERTIFICATE-----"));
    fake_idf::RunEvents();
    StationStatus status = Poll();
    EXPECT_EQ(WifiNone, status.result);
    EXPECT_EQ(StateConnected, status.state);
}

TEST_F(StationTest, AClientChainOfMoreThanFourOrWithBytesThatAreNoCertificateIsRefused)
{
    std::vector<uint8_t> trailing = material->chained;
    trailing.push_back(0x04);
    trailing.push_back(0x00);
    std::vector<uint8_t> five = Join({material->chained, material->issuing, material->deviceRoot, material->deviceRoot,
                                      material->deviceRoot});
    std::vector<uint8_t> four = Join({material->chained, material->issuing, material->deviceRoot, material->deviceRoot});
    for (const std::vector<uint8_t> *bad : {&trailing, &five})
    {
        fake_idf::ClearCalls();
        EXPECT_EQ(WifiInvalidRequest, ConnectEapWith("Network1", *bad, material->chainedKey));
        EXPECT_TRUE(fake_idf::Calls().empty());
    }

    EXPECT_EQ(WifiNone, ConnectEapWith("Network1", four, material->chainedKey));
}
