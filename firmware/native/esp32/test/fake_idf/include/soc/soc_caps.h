// Host stand-in for ESP-IDF's soc/soc_caps.h (components/soc/<chip>/include): the one capability the key sealing
// reads. The host plays a chip with the HMAC peripheral (ESP32-S2/S3/C3/C6...); the tests drive the ESP32's
// partition-held key too, through SealSetDeviceKeySource.
#pragma once

#define SOC_HMAC_SUPPORTED 1
