/**
 * The safe pickle machine (protocols 0-5, allowlisted callables, denylist), the scanner that lists globals without building values, and the protocol-2 writer. Internal.
 */
package dev.torch4j.pickle;
