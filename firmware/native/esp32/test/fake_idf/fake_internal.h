// What the parts of the ESP-IDF fake share (not for tests).
#pragma once

#include "esp_err.h"

namespace fake_idf
{

// Records the call and, when FailNext armed it, sets err and returns true.
bool Failing(const char *function, esp_err_t &err);
void RecordCall(const char *function);
void ResetFlash();

} // namespace fake_idf
