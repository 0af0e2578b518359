/*
 * The minimal wasm2c runtime declared in wasm-rt.h: plain malloc'd memories with explicit bounds
 * checks (done by the generated code against memory->size), and traps that end the process.
 */
#include "wasm-rt.h"

#include <stdio.h>
#include <stdlib.h>

WASM_RT_THREAD_LOCAL uint32_t wasm_rt_call_stack_depth;

static bool initialized;

void wasm_rt_init(void) { initialized = true; }
bool wasm_rt_is_initialized(void) { return initialized; }
void wasm_rt_free(void) { initialized = false; }

const char* wasm_rt_strerror(wasm_rt_trap_t trap) {
  switch (trap) {
    case WASM_RT_TRAP_NONE: return "no trap";
    case WASM_RT_TRAP_OOB: return "out of bounds memory or table access";
    case WASM_RT_TRAP_INT_OVERFLOW: return "integer overflow";
    case WASM_RT_TRAP_DIV_BY_ZERO: return "integer divide by zero";
    case WASM_RT_TRAP_INVALID_CONVERSION: return "invalid conversion to integer";
    case WASM_RT_TRAP_UNREACHABLE: return "unreachable executed";
    case WASM_RT_TRAP_CALL_INDIRECT: return "indirect call: null, out of range or signature mismatch";
    case WASM_RT_TRAP_EXHAUSTION: return "call stack exhausted";
  }
  return "unknown trap";
}

void wasm_rt_trap(wasm_rt_trap_t trap) {
  fprintf(stderr, "wasm trap: %s\n", wasm_rt_strerror(trap));
  exit(1);
}

/* The byte size of `pages`, or false if it does not fit in size_t (e.g. 4 GiB on a 32-bit host). */
static bool byte_size(uint64_t pages, uint32_t page_size, size_t* bytes) {
  if (page_size == 0 || pages > (uint64_t)SIZE_MAX / page_size) return false;
  *bytes = (size_t)(pages * page_size);
  return true;
}

void wasm_rt_allocate_memory(wasm_rt_memory_t* memory, uint64_t initial_pages, uint64_t max_pages,
                             bool is64, uint32_t page_size) {
  size_t bytes;
  /* calloc gives the zero fill wasm requires; at least one byte so that data is never NULL. */
  uint8_t* data = byte_size(initial_pages, page_size, &bytes) ? calloc(bytes ? bytes : 1, 1) : NULL;
  if (!data) {
    fprintf(stderr, "wasm runtime: cannot allocate a memory of %llu pages\n", (unsigned long long)initial_pages);
    exit(1);
  }
  memory->data = data;
  memory->pages = initial_pages;
  memory->max_pages = max_pages;
  memory->size = bytes;
  memory->page_size = page_size;
  memory->is64 = is64;
}

uint64_t wasm_rt_grow_memory(wasm_rt_memory_t* memory, uint64_t delta) {
  const uint64_t old_pages = memory->pages;
  if (delta == 0) return old_pages;
  if (delta > memory->max_pages - old_pages) return (uint64_t)-1; /* max_pages >= pages always */
  size_t new_bytes;
  if (!byte_size(old_pages + delta, memory->page_size, &new_bytes)) return (uint64_t)-1;
  uint8_t* data = realloc(memory->data, new_bytes);
  if (!data) return (uint64_t)-1; /* the old block is untouched */
  memset(data + memory->size, 0, new_bytes - (size_t)memory->size);
  memory->data = data;
  memory->pages = old_pages + delta;
  memory->size = new_bytes;
  return old_pages;
}

void wasm_rt_free_memory(wasm_rt_memory_t* memory) {
  free(memory->data);
  memory->data = NULL;
  memory->pages = 0;
  memory->size = 0;
}
