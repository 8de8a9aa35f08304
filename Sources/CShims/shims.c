// The shims are header-only (static inline); this file gives SwiftPM a C source to build.
#include "bf_shims.h"
