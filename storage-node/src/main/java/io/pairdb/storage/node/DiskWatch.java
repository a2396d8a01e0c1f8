package io.pairdb.storage.node;

import io.pairdb.storage.server.WritesRefusedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

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

    /**
     * Measures the room left, then what the data takes. Files it cannot read (lost+found, unreadable to
     * the node's user when the directory is a volume's root) are left out of the size; the room left,
     * which decides whether writes are refused, does not depend on them.
     */
    void refresh() {
        long free;
        try {
            free = Files.getFileStore(directory).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure the free space of " + directory, e);
        }
        refusal = free < minFreeBytes
                ? Optional.of(new WritesRefusedException("DISK_FULL", "writes refused: " + Sizes.format(free)
                        + " free on the data directory's file system, below the reserve of " + Sizes.format(minFreeBytes)
                        + " (--min-free-disk); make room or grow the volume. Reads go on"))
                : Optional.empty();
        bytesOnDisk = sizeOf(directory);
    }

    long bytesOnDisk() {
        return bytesOnDisk;
    }

    Optional<WritesRefusedException> refusal() {
        return refusal;
    }

    /**
     * Bytes of the regular files under {@code directory} that can be read; what cannot (a file RocksDB
     * removed while we walked, a directory the node may not open) counts as nothing.
     */
    private static long sizeOf(Path directory) {
        long[] total = {0};
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (attributes.isRegularFile()) {
                        total[0] += attributes.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure the size of " + directory, e);
        }
        return total[0];
    }
}
