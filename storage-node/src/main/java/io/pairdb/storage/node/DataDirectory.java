package io.pairdb.storage.node;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A storage node's data directory: a manifest ({@value #MANIFEST}: what wrote the directory, in
 * which format, for which node) beside the database ({@code db/}). Checked before the database is
 * opened, so a directory of something else, of another node, or of a newer format is refused
 * instead of being written into.
 */
final class DataDirectory {

    static final String MANIFEST = "PAIRDB-NODE";
    static final String FORMAT = "pairdb-storage-node";
    static final int FORMAT_VERSION = 1;
    private static final String DATABASE = "db";
    /** A file system's own entry in the root of a freshly formatted volume (ext4), not data. */
    private static final String LOST_AND_FOUND = "lost+found";

    private final Path root;
    private final String nodeId;
    private final boolean fresh;
    /** Names this directory's data: made once with the directory, kept in the manifest. */
    private final String dataId;

    private DataDirectory(Path root, String nodeId, boolean fresh, String dataId) {
        this.root = root;
        this.nodeId = nodeId;
        this.fresh = fresh;
        this.dataId = dataId;
    }

    /**
     * Checks the directory and says how to open it.
     *
     * @param nodeId the id the node is started with; empty: the one in the manifest (required for a new directory)
     * @throws DataDirectoryException when the directory cannot be used
     */
    static DataDirectory inspect(Path root, Optional<String> nodeId) {
        Path manifest = root.resolve(MANIFEST);
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new DataDirectoryException(root + " is not a directory");
        }
        if (!Files.exists(manifest)) {
            if (!isEmpty(root)) {
                throw new DataDirectoryException(root + " is not a PairDB storage node data directory (it holds files but no "
                        + MANIFEST + " manifest); refusing to write into it: give a new or empty directory");
            }
            String id = nodeId.orElseThrow(() -> new DataDirectoryException(
                    root + " is a new data directory: give the node's id with --node-id"));
            return new DataDirectory(root, id, true, UUID.randomUUID().toString());
        }
        Properties properties = read(manifest);
        String format = properties.getProperty("format");
        if (!FORMAT.equals(format)) {
            throw new DataDirectoryException(root + " holds a manifest of '" + format + "', not of a PairDB storage node ("
                    + FORMAT + "); refusing to use it");
        }
        int version = formatVersion(root, properties.getProperty("format-version"));
        if (version > FORMAT_VERSION) {
            throw new DataDirectoryException(root + " was written by a newer storage node (format version " + version
                    + "; this one reads " + FORMAT_VERSION + "): run that version or newer");
        }
        String owner = properties.getProperty("node-id");
        if (owner == null || owner.isBlank()) {
            throw new DataDirectoryException(root + ": the manifest " + MANIFEST + " names no node-id; it is corrupt");
        }
        if (nodeId.isPresent() && !nodeId.get().equals(owner)) {
            throw new DataDirectoryException(root + " belongs to node '" + owner + "', not '" + nodeId.get()
                    + "': start it as " + owner + " or give another directory");
        }
        if (isEmpty(root.resolve(DATABASE))) {
            throw new DataDirectoryException(root + ": the manifest is there but the database (" + DATABASE
                    + "/) is missing; the node's data is gone. Remove the directory to start this node empty");
        }
        // a directory written before data ids were recorded is named by its creation time, as unique
        String dataId = Optional.ofNullable(properties.getProperty("data-id"))
                .orElseGet(() -> owner + "@" + properties.getProperty("created", "unknown"));
        return new DataDirectory(root, owner, false, dataId);
    }

    String nodeId() {
        return nodeId;
    }

    /**
     * Names the data this directory holds (the health answer's {@code data_id}): the same for as long
     * as the directory lives, another for a new one, so coordinators can tell a node that started
     * over empty.
     */
    String dataId() {
        return dataId;
    }

    /** True when nothing was ever stored here: the database is to be created. */
    boolean fresh() {
        return fresh;
    }

    Path database() {
        return root.resolve(DATABASE);
    }

    Path root() {
        return root;
    }

    /**
     * Writes the manifest of a fresh directory, after its database was created: a crash between the
     * two leaves a directory that is refused, never one that silently starts empty.
     */
    void sealFresh() {
        Properties properties = new Properties();
        properties.setProperty("format", FORMAT);
        properties.setProperty("format-version", String.valueOf(FORMAT_VERSION));
        properties.setProperty("node-id", nodeId);
        properties.setProperty("created", Instant.now().toString());
        properties.setProperty("data-id", dataId);
        try {
            Path temporary = root.resolve(MANIFEST + ".tmp");
            StringWriter text = new StringWriter();
            properties.store(text, "PairDB storage node data directory; do not edit");
            // on disk before it is renamed, and the rename on disk before the node serves: a power loss must not
            // leave a database without its manifest, which the next start refuses as a directory of something else
            try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = StandardCharsets.UTF_8.encode(text.toString());
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true);
            }
            try {
                Files.move(temporary, root.resolve(MANIFEST), StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, root.resolve(MANIFEST), StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel directory = FileChannel.open(root, StandardOpenOption.READ)) {
                directory.force(true);
            } catch (IOException e) {
                // some file systems (Windows') cannot open a directory to sync it; the rename is as durable as they make it
            }
        } catch (IOException e) {
            throw new DataDirectoryException(root + ": cannot write the manifest: " + e.getMessage(), e);
        }
    }

    void createDatabaseDirectory() {
        try {
            Files.createDirectories(database());
        } catch (IOException e) {
            throw new DataDirectoryException("cannot create " + database() + ": " + e.getMessage(), e);
        }
    }

    private static boolean isEmpty(Path directory) {
        if (!Files.isDirectory(directory)) {
            return true;
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.allMatch(entry -> entry.getFileName().toString().equals(LOST_AND_FOUND));
        } catch (IOException e) {
            throw new DataDirectoryException("cannot read " + directory + ": " + e.getMessage(), e);
        }
    }

    private static Properties read(Path manifest) {
        try {
            String text = Files.readString(manifest, StandardCharsets.UTF_8);
            Properties properties = new Properties();
            try (Reader reader = new StringReader(text)) {
                properties.load(reader);
            }
            return properties;
        } catch (IOException | IllegalArgumentException e) {
            throw new DataDirectoryException(manifest + " is unreadable (" + e.getMessage() + "); it is corrupt", e);
        }
    }

    private static int formatVersion(Path root, String text) {
        try {
            return Integer.parseInt(String.valueOf(text).trim());
        } catch (NumberFormatException e) {
            throw new DataDirectoryException(root + ": the manifest's format-version '" + text + "' is not a number; it is corrupt");
        }
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
