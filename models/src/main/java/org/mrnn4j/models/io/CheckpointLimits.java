package org.mrnn4j.models.io;

/**
 * Resource bounds for reading an untrusted checkpoint: anything beyond them is rejected before
 * memory is allocated for it. The defaults are far above any mRNN checkpoint (or a large language
 * model's state dict) and far below what would exhaust a JVM.
 *
 * @param maxEntries most zip entries (the central directory's declared count is checked first)
 * @param maxTotalBytes most uncompressed bytes read from the archive in all
 * @param maxPickleBytes most bytes of {@code data.pkl}
 * @param maxMarkDepth most nested pickle MARKs (open tuples, lists, dicts)
 * @param maxStack most objects on the pickle stack
 * @param maxMemo most pickle memo entries
 * @param maxElements most tensor elements materialised in all (each as a double): tensors may
 *     share a storage, so this bounds what many views of one storage could make the reader allocate
 */
record CheckpointLimits(
    int maxEntries,
    long maxTotalBytes,
    long maxPickleBytes,
    int maxMarkDepth,
    int maxStack,
    int maxMemo,
    long maxElements) {

  static final CheckpointLimits DEFAULT =
      new CheckpointLimits(50_000, 1L << 31, 256L << 20, 1_000, 1 << 20, 1 << 20, 1L << 28);
}
