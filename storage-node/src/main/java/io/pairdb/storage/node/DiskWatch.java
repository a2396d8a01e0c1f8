package io.pairdb.storage.node;

import io.pairdb.storage.server.WritesRefusedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Watches the data directory's disk: how much the node's data takes, and whether the file system
 * has less room left than the reserve, in which case writes are refused (reads go on) until room
 * is made. Refusing at a reserve, rather than when RocksDB's own writes fail, leaves room for
 * compactions and for range deletes and tombstone purges, which are allowed: they free space.
 * Updated by {@link #refresh()} (periodically); read by every write.
 */
final class DiskWatch {

    private final Path directory;
    private final long minFreeBytes;
    private volatile long bytesOnDisk;
    private volatile Optional<WritesRefusedException> refusal = Optional.empty();

    DiskWatch(Path directory, long minFreeBytes) {
        this.directory = directory;
        this.minFreeBytes = minFreeBytes;
    }

    void refresh() {
        try {
            FileStore store = Files.getFileStore(directory);
            long free = store.getUsableSpace();
            long size = sizeOf(directory);
            if (size >= 0) {
                bytesOnDisk = size;
            }
            refusal = free < minFreeBytes
                    ? Optional.of(new WritesRefusedException("DISK_FULL", "writes refused: " + Sizes.format(free)
                            + " free on the data directory's file system, below the reserve of " + Sizes.format(minFreeBytes)
                            + " (--min-free-disk); make room or grow the volume. Reads go on"))
                    : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure the disk of " + directory, e);
        }
    }

    long bytesOnDisk() {
        return bytesOnDisk;
    }

    Optional<WritesRefusedException> refusal() {
        return refusal;
    }

    /** Bytes of the files under {@code directory}, or -1 when it changed too much under the walk to say. */
    private static long sizeOf(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.mapToLong(file -> {
                try {
                    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                    return attributes.isRegularFile() ? attributes.size() : 0;
                } catch (NoSuchFileException e) {
                    return 0; // a file RocksDB removed while we walked
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                return -1; // a directory RocksDB removed while we walked: keep the last figure
            }
            throw e.getCause();
        }
    }
}
