package io.pairdb.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A PAIRDB_HOME for tests: empty, so no CA or token of the user's is picked up. */
public final class TestHome {
    public static final Path EMPTY = create();

    private TestHome() {
    }

    private static Path create() {
        try {
            Path dir = Files.createTempDirectory("pairdb-admin-home-");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
