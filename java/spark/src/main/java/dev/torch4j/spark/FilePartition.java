package dev.torch4j.spark;

import org.apache.spark.sql.connector.read.InputPartition;

/** The work of one task: whole files, or for a split file a run of its tensors (part of parts). */
record FilePartition(Piece[] pieces) implements InputPartition {
    /** Tensors [part*n/parts, (part+1)*n/parts) of {@code file}; parts = 1 for the whole file. */
    record Piece(String file, int part, int parts) implements java.io.Serializable {}
}
