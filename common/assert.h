#pragma once

#include <cstdio>
#include <cstdlib>

// BROOK_CHECK(cond): an invariant of the program. When it fails the process prints the place
// and aborts: it is for programmer errors only, never for bad input (that gets a Status).
#define BROOK_CHECK(cond)                                                                 \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      std::fprintf(stderr, "%s:%d: BROOK_CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                       \
    }                                                                                     \
  } while (0)
