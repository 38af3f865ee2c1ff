/**
 * Lite-interpreter (.ptl) archives: bytecode.pkl, its version, methods and operator list. Internal.
 */
package dev.torch4j.torchscript.mobile;
