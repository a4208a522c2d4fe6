// The same file compiled with the library's own configuration (see context_sizes.cpp).
#include "context_sizes.cpp"
