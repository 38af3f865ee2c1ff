// Read-ahead hints for memory-mapped tensor data: madvise on the mapped range, posix_fadvise on
// the file. Both are advisory, so failures are reported as errno values and never thrown.
#include "readahead.h"

#include <cerrno>
#include <cstdint>

#if defined(__unix__) || defined(__APPLE__)
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace torch4j {

long page_size() {
#if defined(__unix__) || defined(__APPLE__)
  return sysconf(_SC_PAGESIZE);
#else
  return 4096;
#endif
}

int advise_memory(void* address, size_t length, int advice) {
#if defined(__unix__) || defined(__APPLE__)
  if (length == 0) return 0;
  int native_advice;
  switch (advice) {
    case T4J_ADVICE_NORMAL: native_advice = MADV_NORMAL; break;
    case T4J_ADVICE_SEQUENTIAL: native_advice = MADV_SEQUENTIAL; break;
    case T4J_ADVICE_RANDOM: native_advice = MADV_RANDOM; break;
    case T4J_ADVICE_WILL_NEED: native_advice = MADV_WILLNEED; break;
    default: return EINVAL;
  }
  // madvise wants a page-aligned start: widen the range down to the page holding `address`.
  const uintptr_t page = uintptr_t(page_size());
  const uintptr_t start = uintptr_t(address) & ~(page - 1);
  const size_t span = length + (uintptr_t(address) - start);
  return madvise(reinterpret_cast<void*>(start), span, native_advice) == 0 ? 0 : errno;
#else
  (void)address; (void)length; (void)advice;
  return ENOSYS;
#endif
}

int advise_file(const char* path, int64_t offset, int64_t length, int advice) {
#if defined(__linux__)
  int native_advice;
  switch (advice) {
    case T4J_ADVICE_NORMAL: native_advice = POSIX_FADV_NORMAL; break;
    case T4J_ADVICE_SEQUENTIAL: native_advice = POSIX_FADV_SEQUENTIAL; break;
    case T4J_ADVICE_RANDOM: native_advice = POSIX_FADV_RANDOM; break;
    case T4J_ADVICE_WILL_NEED: native_advice = POSIX_FADV_WILLNEED; break;
    default: return EINVAL;
  }
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  // WILLNEED starts page-cache reads that outlive the descriptor, so closing right away is fine.
  const int rc = posix_fadvise(fd, offset, length, native_advice);
  close(fd);
  return rc;
#else
  (void)path; (void)offset; (void)length; (void)advice;
  return ENOSYS;
#endif
}

}  // namespace torch4j
