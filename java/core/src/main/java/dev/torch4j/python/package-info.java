/**
 * The inert Python values a pickle can hold: objects of unknown classes, tuples, dicts with attributes, globals. Nothing in here runs code.
 */
package dev.torch4j.python;
