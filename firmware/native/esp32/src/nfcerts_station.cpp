#include "nfcerts_mbedtls_config.h"

#include "nfcerts_station.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <memory>
#include <mutex>
#include <vector>

#include "esp_eap_client.h"
#include "esp_event.h"
#include "esp_log.h"
#include "esp_netif_types.h"
#include "esp_wifi.h"
#include "mbedtls/platform_util.h"

#include "nfcerts_der.h"
#include "nfcerts_reasons.h"

namespace nfcerts
{

namespace
{

// ESP-IDF limits: the identity from esp_eap_client.h ("limited to 1~127 bytes"), the server domain from
// esp_eap_client.c (MAX_DOMAIN_MATCH_LEN, 255; the header's "1~127" is wrong), the SSID from wifi_sta_config_t.
const size_t MaxSsid = 32;
const size_t MaxIdentity = 127;
const size_t MaxDomain = 255;
// The client chain the store keeps (leaf + up to 3 intermediates, firmware/NfCerts.Core/Certificates/README.md).
const size_t MaxClientChain = 4;
// The supplicant's log tag (wpa_debug.h) and the level of the lines NoteSupplicantLine parses (wpa_printf MSG_INFO).
const char SupplicantLogTag[] = "wpa";

// One profile's buffers. ESP-IDF may read the CA bundle, certificate, key and password until the generation is
// released; the destructor zeroes everything, key material included.
struct Generation
{
    int security = SecurityOpen;
    std::vector<uint8_t> ssid;
    std::vector<uint8_t> psk;
    std::vector<uint8_t> identity;
    std::vector<uint8_t> roots;       // concatenated DER, as given
    std::vector<uint8_t> caPem;       // what esp_eap_client_set_ca_cert points at (NUL-terminated PEM)
    std::vector<uint8_t> certificate; // DER: the leaf, optionally followed back to back by its intermediates
    std::vector<uint8_t> chainPem;    // for a chain of several: what esp_eap_client_set_certificate_and_key points at
    std::vector<uint8_t> key;         // DER
    std::vector<uint8_t> keyPassword; // NUL-terminated (the supplicant measures it with strlen)
    std::vector<uint8_t> domain;      // NUL-terminated
    bool hasPsk = false;
    bool hasDomain = false;
    bool hasKeyPassword = false;

    ~Generation()
    {
        Wipe(psk);
        Wipe(identity);
        Wipe(caPem);
        Wipe(certificate);
        Wipe(chainPem);
        Wipe(key);
        Wipe(keyPassword);
        Wipe(domain);
        Wipe(roots);
    }

    static void Wipe(std::vector<uint8_t> &v)
    {
        if (!v.empty())
        {
            mbedtls_platform_zeroize(v.data(), v.size());
        }
    }
};

struct Core
{
    std::recursive_mutex mutex;
    bool initialized = false;
    std::unique_ptr<Generation> building;
    std::unique_ptr<Generation> current;
    std::vector<std::unique_ptr<Generation> > retired;
    int state = StateIdle;
    int result = -1;
    int espReason = 0;
    int linkLost = 0;
    int pendingLeaves = 0;
    TlsHint hint = {0, false};
    esp_event_handler_instance_t wifiHandler = nullptr;
    esp_event_handler_instance_t ipHandler = nullptr;
    vprintf_like_t previousLog = nullptr;
};

Core &TheCore()
{
    static Core core;
    return core;
}

void ReleaseRetired(Core &core)
{
    core.retired.clear();
}

// Takes the current profile away from ESP-IDF: drops the link or attempt, disables enterprise mode, clears every
// pointer esp_eap_client keeps, and retires the buffers (released at once when nothing was active).
void Retire(Core &core)
{
    bool active = core.state != StateIdle;
    if (active)
    {
        esp_wifi_disconnect();
        core.pendingLeaves++;
    }

    esp_wifi_sta_enterprise_disable();
    esp_eap_client_clear_ca_cert();
    // Clears the key password too: esp_eap_client_set_certificate_and_key with a zero-length password leaves
    // the previous password pointer in place.
    esp_eap_client_clear_certificate_and_key();
    esp_eap_client_clear_identity();
    esp_eap_client_set_domain_name(nullptr);

    if (core.current)
    {
        if (active)
        {
            core.retired.push_back(std::move(core.current));
            while (core.retired.size() > 2)
            {
                core.retired.erase(core.retired.begin());
            }
        }
        else
        {
            core.current.reset();
        }
    }

    core.state = StateIdle;
}

bool IsPrintablePassphrase(const std::vector<uint8_t> &psk)
{
    if (psk.size() == 64)
    {
        for (size_t i = 0; i < psk.size(); i++)
        {
            uint8_t c = psk[i];
            bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!hex)
            {
                return false;
            }
        }

        return true;
    }

    if (psk.size() < 8 || psk.size() > 63)
    {
        return false;
    }

    for (size_t i = 0; i < psk.size(); i++)
    {
        if (psk[i] < 0x20 || psk[i] > 0x7E)
        {
            return false;
        }
    }

    return true;
}

bool IsOneDerElement(const std::vector<uint8_t> &der)
{
    return !der.empty() && der[0] == 0x30 && DerElementLength(der.data(), der.size()) == der.size();
}

// The supplicant (tls_mbedtls.c, set_pki_context) hands the client certificate buffer to mbedtls_x509_crt_parse,
// which reads every certificate of a NUL-terminated PEM buffer into the chain it presents, but only the first of
// concatenated DER. One DER certificate is passed as it is; a chain goes as a PEM bundle, or the intermediates
// would silently stay behind.
bool PrepareClientChain(Generation &g)
{
    std::vector<std::pair<size_t, size_t> > parts;
    g.chainPem.clear();
    if (!SplitDerCertificates(g.certificate.data(), g.certificate.size(), parts) || parts.size() > MaxClientChain)
    {
        return false;
    }

    return parts.size() == 1 || BuildPemBundle(g.certificate.data(), g.certificate.size(), g.chainPem);
}

// Checks the profile and prepares derived buffers. Touches no ESP-IDF state.
bool Validate(Generation &g)
{
    if (g.ssid.empty() || g.ssid.size() > MaxSsid)
    {
        return false;
    }

    switch (g.security)
    {
        case SecurityOpen:
            return true;
        case SecurityWpa2Psk:
            return g.hasPsk && IsPrintablePassphrase(g.psk);
        case SecurityWpa2EapTls:
            if (g.identity.empty() || g.identity.size() > MaxIdentity)
            {
                return false;
            }

            if (!PrepareClientChain(g) || !IsOneDerElement(g.key))
            {
                return false;
            }

            if (g.hasDomain && (g.domain.size() < 2 || g.domain.size() - 1 > MaxDomain))
            {
                return false;
            }

            return BuildPemBundle(g.roots.data(), g.roots.size(), g.caPem);
        default:
            return false;
    }
}

int Configure(Generation &g, int *espError)
{
    wifi_config_t config;
    memset(&config, 0, sizeof(config));
    memcpy(config.sta.ssid, g.ssid.data(), g.ssid.size());
    config.sta.scan_method = WIFI_ALL_CHANNEL_SCAN;
    config.sta.sort_method = WIFI_CONNECT_AP_BY_SIGNAL;
    config.sta.pmf_cfg.capable = true;
    config.sta.pmf_cfg.required = false;

    esp_err_t err = ESP_OK;
    switch (g.security)
    {
        case SecurityWpa2Psk:
            memcpy(config.sta.password, g.psk.data(), g.psk.size());
            config.sta.threshold.authmode = WIFI_AUTH_WPA2_PSK;
            break;
        case SecurityWpa2EapTls:
            // The threshold keeps the station off an open or PSK access point that copies the SSID: with
            // enterprise mode on and an OPEN threshold, ESP-IDF would join an open twin without any EAP at all.
            config.sta.threshold.authmode = WIFI_AUTH_WPA2_ENTERPRISE;
            err = esp_eap_client_set_identity(g.identity.data(), (int)g.identity.size());
            if (err == ESP_OK)
            {
                err = esp_eap_client_set_ca_cert(g.caPem.data(), (int)g.caPem.size());
            }

            if (err == ESP_OK)
            {
                const std::vector<uint8_t> &chain = g.chainPem.empty() ? g.certificate : g.chainPem;
                err = esp_eap_client_set_certificate_and_key(
                    chain.data(), (int)chain.size(), g.key.data(), (int)g.key.size(),
                    g.hasKeyPassword ? g.keyPassword.data() : nullptr,
                    g.hasKeyPassword ? (int)g.keyPassword.size() - 1 : 0);
            }

            if (err == ESP_OK)
            {
                err = esp_eap_client_set_domain_name(g.hasDomain ? (const char *)g.domain.data() : nullptr);
            }

            if (err == ESP_OK)
            {
                // Certificate validity is the renewal flows' business, on the synchronised clock. The supplicant
                // runs before SNTP has set the clock (the station has no IP yet), so its time check stays off;
                // set it explicitly rather than rely on the default.
                err = esp_eap_client_set_disable_time_check(true);
            }

            break;
        default:
            config.sta.threshold.authmode = WIFI_AUTH_OPEN;
            break;
    }

    if (err == ESP_OK)
    {
        err = esp_wifi_set_config(WIFI_IF_STA, &config);
    }

    if (err == ESP_OK && g.security == SecurityWpa2EapTls)
    {
        err = esp_wifi_sta_enterprise_enable();
    }

    if (err == ESP_OK)
    {
        err = esp_wifi_connect();
    }

    mbedtls_platform_zeroize(&config, sizeof(config));
    if (err != ESP_OK)
    {
        if (espError != nullptr)
        {
            *espError = err;
        }

        return WifiRadioError;
    }

    return WifiNone;
}

void OnWifiEvent(void *arg, esp_event_base_t base, int32_t id, void *data)
{
    (void)arg;
    (void)base;
    Core &core = TheCore();
    std::lock_guard<std::recursive_mutex> lock(core.mutex);
    if (id != WIFI_EVENT_STA_DISCONNECTED || data == nullptr)
    {
        return;
    }

    uint8_t reason = ((const wifi_event_sta_disconnected_t *)data)->reason;
    if (core.pendingLeaves > 0)
    {
        // Events arrive in order: the first disconnect after we dropped a link is that link going down.
        // A locally requested disconnect reports a "leaving" reason; anything else belongs to what follows.
        bool leaving = reason == WIFI_REASON_ASSOC_LEAVE || reason == WIFI_REASON_AUTH_LEAVE;
        core.pendingLeaves = leaving ? core.pendingLeaves - 1 : 0;
        if (core.pendingLeaves == 0)
        {
            ReleaseRetired(core);
        }

        if (leaving)
        {
            return;
        }
    }

    ReleaseRetired(core);
    WifiSecurityKind security = core.current ? (WifiSecurityKind)core.current->security : SecurityOpen;
    if (core.state == StateConnecting)
    {
        core.result = MapAttemptFailure(reason, security, core.hint);
        core.espReason = reason;
        core.state = StateIdle;
    }
    else if (core.state == StateConnected)
    {
        core.linkLost = MapLinkLoss(reason, security, core.hint);
        core.espReason = reason;
        core.state = StateIdle;
    }
}

void OnIpEvent(void *arg, esp_event_base_t base, int32_t id, void *data)
{
    (void)arg;
    (void)base;
    (void)data;
    Core &core = TheCore();
    std::lock_guard<std::recursive_mutex> lock(core.mutex);
    if (id == IP_EVENT_STA_GOT_IP && core.state == StateConnecting)
    {
        core.state = StateConnected;
        core.result = WifiNone;
    }
}

int OnLog(const char *format, va_list args)
{
    Core &core = TheCore();
    char line[200];
    va_list copy;
    va_copy(copy, args);
    vsnprintf(line, sizeof(line), format, copy);
    va_end(copy);
    if (strstr(line, "tls_connection_handshake") != nullptr || strstr(line, "mbedtls_") != nullptr)
    {
        std::lock_guard<std::recursive_mutex> lock(core.mutex);
        if (core.state != StateIdle)
        {
            NoteSupplicantLine(line, core.hint);
        }
    }

    return core.previousLog != nullptr ? core.previousLog(format, args) : vprintf(format, args);
}

} // namespace

int StationInit()
{
    Core &core = TheCore();
    std::lock_guard<std::recursive_mutex> lock(core.mutex);
    if (core.initialized)
    {
        return ESP_OK;
    }

    esp_err_t err = esp_event_handler_instance_register(WIFI_EVENT, ESP_EVENT_ANY_ID, &OnWifiEvent, nullptr,
                                                        &core.wifiHandler);
    if (err == ESP_OK)
    {
        err = esp_event_handler_instance_register(IP_EVENT, IP_EVENT_STA_GOT_IP, &OnIpEvent, nullptr,
                                                  &core.ipHandler);
    }

    if (err != ESP_OK)
    {
        return err;
    }

    // nanoFramework's app_main silences every tag (esp_log_level_set("*", ESP_LOG_NONE)), which would drop the
    // supplicant's TLS result before it reaches the hook: let the "wpa" tag through at INFO, or keep a higher level.
    if (esp_log_level_get(SupplicantLogTag) < ESP_LOG_INFO)
    {
        esp_log_level_set(SupplicantLogTag, ESP_LOG_INFO);
    }

    core.previousLog = esp_log_set_vprintf(&OnLog);
    core.initialized = true;
    return ESP_OK;
}

int StationProfileBegin(int security)
{
    Core &core = TheCore();
    std::lock_guard<std::recursive_mutex> lock(core.mutex);
    if (security != SecurityOpen && security != SecurityWpa2Psk && security != SecurityWpa2EapTls)
    {
        core.building.reset();
        return WifiInvalidRequest;
    }

    core.building.reset(new Generation());
    core.building->security = security;
    return WifiNone;
}

int StationProfileSet(int field, const uint8_t *value, size_t length)
{
    Core &core = TheCore();
    std::lock_guard<std::recursive_mutex> lock(core.mutex);
    if (!core.building || (value == nullptr && length != 0))
    {
        return WifiInvalidRequest;
    }

    Generation &g = *core.building;
    const uint8_t *end = value + length;
    switch (field)
    {
        case FieldSsid:
            g.ssid.assign(value, end);
            return WifiNone;
        case FieldPsk:
            g.psk.assign(value, end);
            g.hasPsk = true;
            return WifiNone;
        case FieldIdentity:
            g.identity.assign(value, end);
            return WifiNone;
        case FieldTrustedRoot:
            g.roots.insert(g.roots.end(), value, end);
            return WifiNone;
        case FieldClientCertificate:
            g.certificate.assign(value, end);
            return WifiNone;
        case FieldClientKey:
            g.key.assign(value, end);
            return WifiNone;
        case FieldKeyPassword:
        case FieldServerDomain:
        {
            if (memchr(value, 0, length) != nullptr)
            {
                return WifiInvalidRequest;
            }

            std::vector<uint8_t> &target = field == FieldKeyPassword ? g.keyPassword : g.domain;
            target.assign(value, end);
            target.push_back(0);
            (field == FieldKeyPassword ? g.hasKeyPassword : g.hasDomain) = true;
            return WifiNone;
        }
        default:
            return WifiInvalidRequest;
    }
}

int StationConnect(int *espError)
{
    Core &core = TheCore();
    std::lock_guard<std::recursive_mutex> lock(core.mutex);
    if (espError != nullptr)
    {
        *espError = ESP_OK;
    }

    if (!core.initialized)
    {
        int err = StationInit();
        if (err != ESP_OK)
        {
            if (espError != nullptr)
            {
                *espError = err;
            }

            return WifiRadioError;
        }
    }

    if (!core.building || !Validate(*core.building))
    {
        core.building.reset();
        return WifiInvalidRequest;
    }

    Retire(core);
    core.current = std::move(core.building);
    core.result = -1;
    core.espReason = 0;
    core.linkLost = 0;
    core.hint = TlsHint{0, false};
    core.state = StateConnecting;

    int outcome = Configure(*core.current, espError);
    if (outcome != WifiNone)
    {
        // Nothing was started (or the driver refused to start): clear what was handed over and release it.
        core.state = StateIdle;
        Retire(core);
        core.result = outcome;
    }

    return outcome;
}

void StationDisconnect()
{
    Core &core = TheCore();
    std::lock_guard<std::recursive_mutex> lock(core.mutex);
    Retire(core);
    core.linkLost = 0;
}

void StationAbort()
{
    Core &core = TheCore();
    std::lock_guard<std::recursive_mutex> lock(core.mutex);
    bool attempting = core.state == StateConnecting;
    Retire(core);
    core.linkLost = 0;
    if (attempting)
    {
        core.result = WifiTimeout;
    }
}

void StationPoll(StationStatus *status)
{
    Core &core = TheCore();
    std::lock_guard<std::recursive_mutex> lock(core.mutex);
    status->state = core.state;
    status->result = core.result;
    status->espReason = core.espReason;
    status->tlsError = core.hint.handshakeError;
    status->linkLost = core.linkLost;
    core.linkLost = 0;
}

int StationRetiredGenerations()
{
    Core &core = TheCore();
    std::lock_guard<std::recursive_mutex> lock(core.mutex);
    return (int)core.retired.size();
}

void StationResetForTests()
{
    Core &core = TheCore();
    std::lock_guard<std::recursive_mutex> lock(core.mutex);
    core.building.reset();
    core.current.reset();
    core.retired.clear();
    core.state = StateIdle;
    core.result = -1;
    core.espReason = 0;
    core.linkLost = 0;
    core.pendingLeaves = 0;
    core.hint = TlsHint{0, false};
    core.initialized = false;
    core.wifiHandler = nullptr;
    core.ipHandler = nullptr;
    core.previousLog = nullptr;
}

} // namespace nfcerts
