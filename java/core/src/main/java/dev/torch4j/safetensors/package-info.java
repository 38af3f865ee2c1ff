/**
 * Reading and writing Hugging Face safetensors files.
 */
package dev.torch4j.safetensors;
