// Host stand-in for the IP event part of ESP-IDF's esp_netif_types.h (components/esp_netif, v5.x).
#pragma once

#include "esp_event.h"

#ifdef __cplusplus
extern "C" {
#endif

ESP_EVENT_DECLARE_BASE(IP_EVENT);

typedef enum {
    IP_EVENT_STA_GOT_IP,
    IP_EVENT_STA_LOST_IP,
} ip_event_t;

#ifdef __cplusplus
}
#endif
