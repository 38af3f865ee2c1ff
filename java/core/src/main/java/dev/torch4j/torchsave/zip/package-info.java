/**
 * torch.save since PyTorch 1.6 (zip: data.pkl plus data/N records): reader and writer. Internal.
 */
package dev.torch4j.torchsave.zip;
