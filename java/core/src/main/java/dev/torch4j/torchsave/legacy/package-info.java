/**
 * torch.save before 1.6 (magic number, protocol, sys_info, object pickle, raw storages). Internal.
 */
package dev.torch4j.torchsave.legacy;
