// See nanoCLR_Interop.h.
#pragma once
#include "nanoCLR_Interop.h"
