#ifndef TORCH4J_READAHEAD_H
#define TORCH4J_READAHEAD_H

#include <cstddef>
#include <cstdint>

namespace torch4j {

// Values match dev.torch4j.nativelib.ReadAdvice ordinals.
enum { T4J_ADVICE_NORMAL = 0, T4J_ADVICE_SEQUENTIAL = 1, T4J_ADVICE_RANDOM = 2, T4J_ADVICE_WILL_NEED = 3 };

long page_size();
// Return 0 on success, else an errno value.
int advise_memory(void* address, size_t length, int advice);
int advise_file(const char* path, int64_t offset, int64_t length, int advice);

}  // namespace torch4j

#endif
