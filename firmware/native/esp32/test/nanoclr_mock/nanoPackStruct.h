// See nanoCLR_Interop.h.
#pragma once
