#include "fake_idf.h"
#include "fake_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <deque>
#include <functional>
#include <map>

#include "esp_eap_client.h"
#include "esp_event.h"
#include "esp_log.h"
#include "esp_netif_types.h"
#include "mbedtls/pk.h"
#include "mbedtls/x509_crt.h"

#include "nfcerts_mbedtls_compat.h"

ESP_EVENT_DEFINE_BASE(WIFI_EVENT);
ESP_EVENT_DEFINE_BASE(IP_EVENT);

namespace fake_idf
{

namespace
{

struct Handler
{
    esp_event_base_t base;
    int32_t id;
    esp_event_handler_t function;
    void *arg;
};

// One queued item: an event to deliver, or an action the driver/supplicant takes on its own task.
struct Item
{
    esp_event_base_t base = nullptr;
    int32_t id = 0;
    std::vector<uint8_t> data;
    std::function<void()> action; // set for actions
    bool attempt = false;         // the pending connection attempt (cancelled by esp_wifi_disconnect)
};

// A buffer the glue handed over by pointer, with the bytes it held at that moment.
struct Kept
{
    const unsigned char *pointer = nullptr;
    std::vector<uint8_t> snapshot;
};

struct State
{
    std::vector<Handler> handlers;
    std::deque<Item> queue;
    std::vector<AccessPoint> aps;
    std::vector<std::string> calls;
    std::map<std::string, esp_err_t> failNext;
    EapState eap;
    Kept ca, certificate, key, password;
    wifi_config_t config;
    bool configSet = false;
    bool linkUp = false;
    bool attempting = false;
    int staleReads = 0;
    int bufferReads = 0;
    vprintf_like_t log = nullptr;
    esp_log_level_t logDefault = ESP_LOG_NONE;
    std::map<std::string, esp_log_level_t> logLevels;
};

State &S()
{
    static State state;
    return state;
}

int DiscardLog(const char *, va_list)
{
    return 0;
}

void Keep(Kept &kept, const unsigned char *pointer, int length)
{
    kept.pointer = pointer;
    kept.snapshot.assign(pointer, pointer + length);
}

void Forget(Kept &kept)
{
    kept.pointer = nullptr;
    kept.snapshot.clear();
}

// The supplicant reading a kept buffer: the bytes must still be what the glue passed in.
std::vector<uint8_t> ReadKept(const Kept &kept)
{
    State &s = S();
    if (kept.pointer == nullptr)
    {
        return std::vector<uint8_t>();
    }

    s.bufferReads++;
    std::vector<uint8_t> now(kept.pointer, kept.pointer + kept.snapshot.size());
    if (now != kept.snapshot)
    {
        s.staleReads++;
    }

    return now;
}

// The supplicant's wpa_printf: ESP_LOG_LEVEL_LOCAL(level, "wpa", ...) with CONFIG_ESP_WIFI_DEBUG_PRINT, which
// esp_log_write drops unless the "wpa" tag's level admits it.
void Log(esp_log_level_t level, const char *format, ...)
{
    State &s = S();
    if (s.log == nullptr || level > esp_log_level_get("wpa"))
    {
        return;
    }

    char line[256];
    snprintf(line, sizeof(line), "%c (1234) wpa: %s\n", "NEWIDV"[level], format);
    va_list args;
    va_start(args, format);
    s.log(line, args);
    va_end(args);
}

void Post(esp_event_base_t base, int32_t id, const void *data, size_t size)
{
    Item item;
    item.base = base;
    item.id = id;
    if (data != nullptr)
    {
        item.data.assign((const uint8_t *)data, (const uint8_t *)data + size);
    }

    S().queue.push_back(item);
}

void PostDisconnected(uint8_t reason)
{
    State &s = S();
    wifi_event_sta_disconnected_t event;
    memset(&event, 0, sizeof(event));
    size_t ssidLength = strnlen((const char *)s.config.sta.ssid, sizeof(s.config.sta.ssid));
    memcpy(event.ssid, s.config.sta.ssid, ssidLength);
    event.ssid_len = (uint8_t)ssidLength;
    event.reason = reason;
    Post(WIFI_EVENT, WIFI_EVENT_STA_DISCONNECTED, &event, sizeof(event));
}

void PostConnectedAndIp()
{
    State &s = S();
    wifi_event_sta_connected_t event;
    memset(&event, 0, sizeof(event));
    Post(WIFI_EVENT, WIFI_EVENT_STA_CONNECTED, &event, sizeof(event));
    Post(IP_EVENT, IP_EVENT_STA_GOT_IP, nullptr, 0);
    s.linkUp = true;
}

// The RADIUS server's check of the client: with a clientRoot it trusts that root only, so intermediates must come
// from the device (mbedtls_x509_crt_verify takes the chain after the leaf as the untrusted intermediates).
bool ClientChainTrusted(const AccessPoint &ap, mbedtls_x509_crt *client)
{
    if (ap.clientRoot.empty())
    {
        return true;
    }

    mbedtls_x509_crt trust;
    mbedtls_x509_crt_init(&trust);
    uint32_t flags = 0;
    bool ok = mbedtls_x509_crt_parse_der(&trust, ap.clientRoot.data(), ap.clientRoot.size()) == 0 &&
              mbedtls_x509_crt_verify(client, &trust, nullptr, nullptr, &flags, nullptr, nullptr) == 0;
    mbedtls_x509_crt_free(&trust);
    return ok;
}

// What the supplicant does with the EAP-TLS material: parse the CA bundle, the certificate and the key like
// tls_mbedtls.c, check the server against the CA bundle and the domain, and let the AP judge our certificate.
uint8_t RunEapTls(const AccessPoint &ap)
{
    State &s = S();
    if (!s.eap.enterpriseEnabled)
    {
        return WIFI_REASON_802_1X_AUTH_FAILED; // EAPOL starts, nobody answers the identity request
    }

    if (!ap.expectedIdentity.empty() && s.eap.identity != ap.expectedIdentity)
    {
        return WIFI_REASON_802_1X_AUTH_FAILED;
    }

    std::vector<uint8_t> ca = ReadKept(s.ca);
    std::vector<uint8_t> certificate = ReadKept(s.certificate);
    std::vector<uint8_t> key = ReadKept(s.key);
    std::vector<uint8_t> password = ReadKept(s.password);

    mbedtls_x509_crt roots;
    mbedtls_x509_crt_init(&roots);
    bool trusted = false;
    if (ca.empty() || mbedtls_x509_crt_parse(&roots, ca.data(), ca.size()) != 0)
    {
        mbedtls_x509_crt_free(&roots);
        Log(ESP_LOG_ERROR, "mbedtls_x509_crt_parse returned -0x%x", 0x2180);
        return WIFI_REASON_802_1X_AUTH_FAILED;
    }

    for (mbedtls_x509_crt *c = &roots; c != nullptr && c->raw.p != nullptr; c = c->next)
    {
        if (c->raw.len == ap.serverRoot.size() && memcmp(c->raw.p, ap.serverRoot.data(), c->raw.len) == 0)
        {
            trusted = true;
        }
    }

    mbedtls_x509_crt_free(&roots);

    mbedtls_x509_crt client;
    mbedtls_x509_crt_init(&client);
    int parsed = mbedtls_x509_crt_parse(&client, certificate.data(), certificate.size());
    // The server sees what the supplicant presents: every certificate parsed from the buffer, the leaf first.
    bool clientTrusted = parsed == 0 && ClientChainTrusted(ap, &client);
    mbedtls_x509_crt_free(&client);
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    int keyParsed = parsed == 0 ? nfcerts::PkParseKey(&pk, key.data(), key.size(), password.empty() ? nullptr : password.data(),
                                                      password.size(), nullptr, nullptr)
                                : -1;
    mbedtls_pk_free(&pk);
    if (parsed != 0)
    {
        Log(ESP_LOG_ERROR, "mbedtls_x509_crt_parse returned -0x%x", -parsed);
        return WIFI_REASON_802_1X_AUTH_FAILED;
    }

    if (keyParsed != 0)
    {
        Log(ESP_LOG_ERROR, "mbedtls_pk_parse_keyfile returned -0x%x", -keyParsed);
        return WIFI_REASON_802_1X_AUTH_FAILED;
    }

    if (s.eap.hasDomain && s.eap.domain != ap.serverName)
    {
        trusted = false; // mbedtls_ssl_set_hostname: name mismatch fails verification
    }

    if (!trusted)
    {
        Log(ESP_LOG_INFO, "tls_connection_handshake: ret is %d line:%d", -0x2700, 771);
        return WIFI_REASON_802_1X_AUTH_FAILED;
    }

    if (!ap.acceptClientCertificate || !clientTrusted)
    {
        Log(ESP_LOG_INFO, "tls_connection_handshake: ret is %d line:%d", -0x7780, 771);
        return WIFI_REASON_802_1X_AUTH_FAILED;
    }

    return 0;
}

void Attempt()
{
    State &s = S();
    s.attempting = false;
    std::string ssid((const char *)s.config.sta.ssid, strnlen((const char *)s.config.sta.ssid, 32));
    const AccessPoint *ap = nullptr;
    for (size_t i = 0; i < s.aps.size(); i++)
    {
        if (s.aps[i].ssid == ssid)
        {
            ap = &s.aps[i];
        }
    }

    if (ap == nullptr)
    {
        PostDisconnected(WIFI_REASON_NO_AP_FOUND);
        return;
    }

    static const int strength[] = {0, 1, 2};
    int threshold = s.config.sta.threshold.authmode == WIFI_AUTH_WPA2_ENTERPRISE ? 2
                    : s.config.sta.threshold.authmode == WIFI_AUTH_WPA2_PSK     ? 1
                                                                                 : 0;
    if (strength[ap->security] < threshold)
    {
        PostDisconnected(WIFI_REASON_NO_AP_FOUND_IN_AUTHMODE_THRESHOLD);
        return;
    }

    uint8_t failure = 0;
    switch (ap->security)
    {
        case ApOpen:
            break;
        case ApWpa2Psk:
        {
            std::string password((const char *)s.config.sta.password,
                                 strnlen((const char *)s.config.sta.password, 64));
            if (password.empty())
            {
                failure = WIFI_REASON_NO_AP_FOUND_W_COMPATIBLE_SECURITY;
            }
            else if (password != ap->psk)
            {
                failure = WIFI_REASON_4WAY_HANDSHAKE_TIMEOUT;
            }

            break;
        }
        case ApWpa2Enterprise:
            failure = RunEapTls(*ap);
            break;
    }

    if (failure != 0)
    {
        PostDisconnected(failure);
        return;
    }

    PostConnectedAndIp();
}

} // namespace

bool Failing(const char *function, esp_err_t &err)
{
    State &s = S();
    s.calls.push_back(function);
    auto it = s.failNext.find(function);
    if (it == s.failNext.end())
    {
        return false;
    }

    err = it->second;
    s.failNext.erase(it);
    return true;
}

void RecordCall(const char *function)
{
    S().calls.push_back(function);
}

void Reset()
{
    State &s = S();
    s.handlers.clear();
    s.queue.clear();
    s.aps.clear();
    s.calls.clear();
    s.failNext.clear();
    s.eap = EapState();
    Forget(s.ca);
    Forget(s.certificate);
    Forget(s.key);
    Forget(s.password);
    memset(&s.config, 0, sizeof(s.config));
    s.configSet = false;
    s.linkUp = false;
    s.attempting = false;
    s.staleReads = 0;
    s.bufferReads = 0;
    s.log = &DiscardLog;
    // As nanoFramework's app_main leaves it (targets/ESP32/_IDF/<chip>/app_main.c): esp_log_level_set("*",
    // ESP_LOG_NONE) and esp_log_set_vprintf(dummyLog).
    s.logDefault = ESP_LOG_NONE;
    s.logLevels.clear();
    ResetFlash();
    ResetSecurity();
}

void AddAccessPoint(const AccessPoint &ap)
{
    S().aps.push_back(ap);
}

void RemoveAccessPoint(const std::string &ssid)
{
    State &s = S();
    for (size_t i = 0; i < s.aps.size(); i++)
    {
        if (s.aps[i].ssid == ssid)
        {
            s.aps.erase(s.aps.begin() + i);
            return;
        }
    }
}

void RunEvents()
{
    State &s = S();
    while (!s.queue.empty())
    {
        Item item = s.queue.front();
        s.queue.pop_front();
        if (item.action)
        {
            item.action();
            continue;
        }

        std::vector<Handler> handlers = s.handlers;
        for (size_t i = 0; i < handlers.size(); i++)
        {
            if (strcmp(handlers[i].base, item.base) == 0 &&
                (handlers[i].id == ESP_EVENT_ANY_ID || handlers[i].id == item.id))
            {
                handlers[i].function(handlers[i].arg, item.base, item.id,
                                     item.data.empty() ? nullptr : item.data.data());
            }
        }
    }
}

void DropLink(uint8_t reason)
{
    State &s = S();
    if (s.linkUp)
    {
        s.linkUp = false;
        PostDisconnected(reason);
    }
}

const std::vector<std::string> &Calls()
{
    return S().calls;
}

void ClearCalls()
{
    S().calls.clear();
}

int IndexOf(const std::string &name, int from)
{
    const std::vector<std::string> &calls = S().calls;
    for (size_t i = (size_t)(from < 0 ? 0 : from); i < calls.size(); i++)
    {
        if (calls[i] == name)
        {
            return (int)i;
        }
    }

    return -1;
}

const EapState &Eap()
{
    return S().eap;
}

const wifi_config_t &LastConfig()
{
    return S().config;
}

bool LinkUp()
{
    return S().linkUp;
}

int StaleBufferReads()
{
    return S().staleReads;
}

int BufferReads()
{
    return S().bufferReads;
}

void FailNext(const std::string &function, esp_err_t err)
{
    S().failNext[function] = err;
}

} // namespace fake_idf

using fake_idf::S;

extern "C" {

esp_err_t esp_event_handler_instance_register(esp_event_base_t event_base, int32_t event_id,
                                              esp_event_handler_t event_handler, void *event_handler_arg,
                                              esp_event_handler_instance_t *instance)
{
    esp_err_t err;
    if (fake_idf::Failing("esp_event_handler_instance_register", err))
    {
        return err;
    }

    if (event_base == nullptr || event_handler == nullptr)
    {
        return ESP_ERR_INVALID_ARG;
    }

    fake_idf::Handler handler = {event_base, event_id, event_handler, event_handler_arg};
    S().handlers.push_back(handler);
    if (instance != nullptr)
    {
        *instance = (void *)event_handler;
    }

    return ESP_OK;
}

void esp_log_level_set(const char *tag, esp_log_level_t level)
{
    S().calls.push_back("esp_log_level_set");
    if (strcmp(tag, "*") == 0) // the default for every tag; forgets the tags set before (log_level.c)
    {
        S().logDefault = level;
        S().logLevels.clear();
        return;
    }

    S().logLevels[tag] = level;
}

esp_log_level_t esp_log_level_get(const char *tag)
{
    auto it = S().logLevels.find(tag);
    return it != S().logLevels.end() ? it->second : S().logDefault;
}

vprintf_like_t esp_log_set_vprintf(vprintf_like_t func)
{
    vprintf_like_t previous = S().log;
    S().log = func;
    return previous;
}

esp_err_t esp_wifi_set_config(wifi_interface_t interface, wifi_config_t *conf)
{
    esp_err_t err;
    if (fake_idf::Failing("esp_wifi_set_config", err))
    {
        return err;
    }

    if (interface != WIFI_IF_STA || conf == nullptr)
    {
        return ESP_ERR_INVALID_ARG;
    }

    S().config = *conf;
    S().configSet = true;
    return ESP_OK;
}

esp_err_t esp_wifi_connect(void)
{
    esp_err_t err;
    if (fake_idf::Failing("esp_wifi_connect", err))
    {
        return err;
    }

    fake_idf::State &s = S();
    if (!s.configSet)
    {
        return ESP_ERR_INVALID_STATE;
    }

    s.attempting = true;
    fake_idf::Item item;
    item.attempt = true;
    item.action = &fake_idf::Attempt;
    s.queue.push_back(item);
    return ESP_OK;
}

esp_err_t esp_wifi_disconnect(void)
{
    esp_err_t err;
    if (fake_idf::Failing("esp_wifi_disconnect", err))
    {
        return err;
    }

    fake_idf::State &s = S();
    bool wasActive = s.linkUp || s.attempting;
    bool eapInFlight = wasActive && s.eap.enterpriseEnabled;
    for (size_t i = 0; i < s.queue.size(); i++)
    {
        if (s.queue[i].attempt)
        {
            s.queue.erase(s.queue.begin() + i);
            break;
        }
    }

    s.attempting = false;
    s.linkUp = false;
    if (!wasActive)
    {
        return ESP_OK;
    }

    if (eapInFlight)
    {
        // The supplicant task finishes the step it is in before it sees the disconnect: it may read the buffers
        // it was given once more, until the disconnect event has been posted.
        fake_idf::Kept ca = s.ca, certificate = s.certificate, key = s.key, password = s.password;
        fake_idf::Item item;
        item.action = [ca, certificate, key, password]() {
            fake_idf::ReadKept(ca);
            fake_idf::ReadKept(certificate);
            fake_idf::ReadKept(key);
            fake_idf::ReadKept(password);
        };
        s.queue.push_back(item);
    }

    fake_idf::PostDisconnected(WIFI_REASON_ASSOC_LEAVE);
    return ESP_OK;
}

esp_err_t esp_wifi_sta_enterprise_enable(void)
{
    esp_err_t err;
    if (fake_idf::Failing("esp_wifi_sta_enterprise_enable", err))
    {
        return err;
    }

    S().eap.enterpriseEnabled = true;
    return ESP_OK;
}

esp_err_t esp_wifi_sta_enterprise_disable(void)
{
    esp_err_t err;
    if (fake_idf::Failing("esp_wifi_sta_enterprise_disable", err))
    {
        return err;
    }

    S().eap.enterpriseEnabled = false;
    return ESP_OK;
}

esp_err_t esp_eap_client_set_identity(const unsigned char *identity, int len)
{
    esp_err_t err;
    if (fake_idf::Failing("esp_eap_client_set_identity", err))
    {
        return err;
    }

    if (len <= 0 || len > 128)
    {
        return ESP_ERR_INVALID_ARG;
    }

    S().eap.identity.assign((const char *)identity, (size_t)len); // copied, as esp_eap_client.c does
    return ESP_OK;
}

void esp_eap_client_clear_identity(void)
{
    S().calls.push_back("esp_eap_client_clear_identity");
    S().eap.identity.clear();
}

esp_err_t esp_eap_client_set_ca_cert(const unsigned char *ca_cert, int ca_cert_len)
{
    esp_err_t err;
    if (fake_idf::Failing("esp_eap_client_set_ca_cert", err))
    {
        return err;
    }

    if (ca_cert != nullptr && ca_cert_len > 0) // kept by pointer; NULL does not clear
    {
        S().eap.ca = ca_cert;
        S().eap.caLength = ca_cert_len;
        fake_idf::Keep(S().ca, ca_cert, ca_cert_len);
    }

    return ESP_OK;
}

void esp_eap_client_clear_ca_cert(void)
{
    S().calls.push_back("esp_eap_client_clear_ca_cert");
    S().eap.ca = nullptr;
    S().eap.caLength = 0;
    fake_idf::Forget(S().ca);
}

esp_err_t esp_eap_client_set_certificate_and_key(const unsigned char *client_cert, int client_cert_len,
                                                 const unsigned char *private_key, int private_key_len,
                                                 const unsigned char *private_key_password, int private_key_passwd_len)
{
    esp_err_t err;
    if (fake_idf::Failing("esp_eap_client_set_certificate_and_key", err))
    {
        return err;
    }

    fake_idf::State &s = S();
    // Each part is replaced only when given: a zero-length password leaves the previous one in place.
    if (client_cert != nullptr && client_cert_len > 0)
    {
        s.eap.certificate = client_cert;
        s.eap.certificateLength = client_cert_len;
        fake_idf::Keep(s.certificate, client_cert, client_cert_len);
    }

    if (private_key != nullptr && private_key_len > 0)
    {
        s.eap.key = private_key;
        s.eap.keyLength = private_key_len;
        fake_idf::Keep(s.key, private_key, private_key_len);
    }

    if (private_key_password != nullptr && private_key_passwd_len > 0)
    {
        s.eap.password = private_key_password;
        s.eap.passwordLength = private_key_passwd_len;
        fake_idf::Keep(s.password, private_key_password, private_key_passwd_len);
    }

    return ESP_OK;
}

void esp_eap_client_clear_certificate_and_key(void)
{
    fake_idf::State &s = S();
    s.calls.push_back("esp_eap_client_clear_certificate_and_key");
    s.eap.certificate = nullptr;
    s.eap.certificateLength = 0;
    s.eap.key = nullptr;
    s.eap.keyLength = 0;
    s.eap.password = nullptr;
    s.eap.passwordLength = 0;
    fake_idf::Forget(s.certificate);
    fake_idf::Forget(s.key);
    fake_idf::Forget(s.password);
}

esp_err_t esp_eap_client_set_disable_time_check(bool disable)
{
    esp_err_t err;
    if (fake_idf::Failing("esp_eap_client_set_disable_time_check", err))
    {
        return err;
    }

    S().eap.timeCheckDisabled = disable;
    return ESP_OK;
}

esp_err_t esp_eap_client_set_domain_name(const char *domain_name)
{
    esp_err_t err;
    if (fake_idf::Failing("esp_eap_client_set_domain_name", err))
    {
        return err;
    }

    fake_idf::State &s = S();
    if (domain_name != nullptr && strnlen(domain_name, 256) > 255) // MAX_DOMAIN_MATCH_LEN in esp_eap_client.c
    {
        return ESP_ERR_INVALID_ARG;
    }

    if (domain_name == nullptr) // NULL clears; a name is copied
    {
        s.eap.hasDomain = false;
        s.eap.domain.clear();
        return ESP_OK;
    }

    s.eap.hasDomain = true;
    s.eap.domain = domain_name;
    return ESP_OK;
}

} // extern "C"
