package dev.torch4j.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadAheadTest {
  @TempDir
  Path tmp;

  @BeforeEach
  void requireNative() {
    NativeTestSupport.requireNative();
    assumeTrue(System.getProperty("os.name").startsWith("Linux"), "madvise/fadvise are checked on Linux");
  }

  @Test
  void advisesAMappedRangeAtUnalignedOffsets() throws Exception {
    Path file = tmp.resolve("data.bin");
    Files.write(file, new byte[3 * 65536 + 123]);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
      for (ReadAdvice advice : ReadAdvice.values()) {
        assertEquals(0, ReadAhead.advise(map, 4097, 70_000, advice), advice::name);
      }
      assertEquals(0, ReadAhead.advise(map, 0, 0, ReadAdvice.WILL_NEED));
      assertThrows(IndexOutOfBoundsException.class, () -> ReadAhead.advise(map, 10, map.capacity(), ReadAdvice.WILL_NEED));
    }
    assertEquals(0, ReadAhead.adviseFile(file, 0, 0, ReadAdvice.WILL_NEED));
    assertEquals(0, ReadAhead.adviseFile(file, 100, 5000, ReadAdvice.SEQUENTIAL));
  }

  @Test
  void missingFileGivesAnErrorNumberNotAnException() {
    int errno = ReadAhead.adviseFile(tmp.resolve("absent"), 0, 0, ReadAdvice.WILL_NEED);
    assertNotEquals(0, errno);
    assertEquals("No such file or directory", ReadAhead.describe(errno));
    assertEquals(0, Integer.bitCount(ReadAhead.pageSize()) - 1);
  }
}
