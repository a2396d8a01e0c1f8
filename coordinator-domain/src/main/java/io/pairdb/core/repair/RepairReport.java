package io.pairdb.core.repair;

/**
 * What a repair did, summed over ranges.
 *
 * @param rangesCompared  sub-ranges whose digests were compared across the replicas
 * @param leavesDiffered  sub-ranges compared key by key because their digests differed
 * @param keysCompared    keys read from the replicas in those leaves (each key once)
 * @param keysDiffering   keys some replica lacked or held an older or concurrent version of
 * @param entriesWritten  repair writes sent (one per replica that needed the key); 0 in a dry run
 * @param bytesRead       roughly what the leaf scans and digests carried from the nodes
 * @param bytesWritten    roughly what the repair writes carried to the nodes
 */
public record RepairReport(long rangesCompared, long leavesDiffered, long keysCompared, long keysDiffering,
                           long entriesWritten, long bytesRead, long bytesWritten) {
    public static final RepairReport NONE = new RepairReport(0, 0, 0, 0, 0, 0, 0);

    public RepairReport plus(RepairReport other) {
        return new RepairReport(rangesCompared + other.rangesCompared, leavesDiffered + other.leavesDiffered,
                keysCompared + other.keysCompared, keysDiffering + other.keysDiffering,
                entriesWritten + other.entriesWritten, bytesRead + other.bytesRead, bytesWritten + other.bytesWritten);
    }

    /** Everything that crossed the network for this repair, both ways. */
    public long bytesMoved() {
        return bytesRead + bytesWritten;
    }
}
