/**
 * numpy's pickled arrays, dtypes and scalars. Internal.
 */
package dev.torch4j.numpy;
