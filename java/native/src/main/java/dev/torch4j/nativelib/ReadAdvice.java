package dev.torch4j.nativelib;

/** Access-pattern hints; ordinals match the native enum. */
public enum ReadAdvice {
  NORMAL,
  SEQUENTIAL,
  RANDOM,
  /** Start reading the range into the page cache now. */
  WILL_NEED
}
