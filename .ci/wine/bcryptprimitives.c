/* Wine 8 (Debian 12's) has no bcryptprimitives.dll, whose ProcessPrng Rust's standard library
 * calls for random bytes on Windows. This stand-in, built with mingw-w64 and placed in the test
 * prefix only, answers from RtlGenRandom (advapi32's SystemFunction036), which wine has. It is
 * never shipped: real Windows has the real one. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
