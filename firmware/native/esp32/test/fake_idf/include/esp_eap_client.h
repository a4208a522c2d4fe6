// Host stand-in for ESP-IDF's esp_eap_client.h (components/wpa_supplicant/esp_supplicant/include, v5.4/v5.5): the
// functions the glue calls, with their real signatures. esp_eap_client_set_domain_name is the v5.4/v5.5 name (the
// later header renames it esp_eap_client_set_domain_match). Behaviour of the fake follows esp_eap_client.c: the CA
// certificate, client certificate, key and key password are kept by pointer; identity and domain are copied.
#pragma once

#include <stdbool.h>
#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

esp_err_t esp_wifi_sta_enterprise_enable(void);
esp_err_t esp_wifi_sta_enterprise_disable(void);
esp_err_t esp_eap_client_set_identity(const unsigned char *identity, int len);
void esp_eap_client_clear_identity(void);
esp_err_t esp_eap_client_set_ca_cert(const unsigned char *ca_cert, int ca_cert_len);
void esp_eap_client_clear_ca_cert(void);
esp_err_t esp_eap_client_set_certificate_and_key(const unsigned char *client_cert, int client_cert_len,
                                                 const unsigned char *private_key, int private_key_len,
                                                 const unsigned char *private_key_password, int private_key_passwd_len);
void esp_eap_client_clear_certificate_and_key(void);
esp_err_t esp_eap_client_set_disable_time_check(bool disable);
esp_err_t esp_eap_client_set_domain_name(const char *domain_name);

#ifdef __cplusplus
}
#endif
