package io.pairdb.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The jars the reactor built before this module's integration tests, each copied once to a
 * private file: another build in the same checkout may delete and rewrite a target/ directory
 * while these tests run.
 */
final class BuiltJars {
    static final Path COORDINATOR = Path.of("..", "coordinator-app", "target", "pairdb-coordinator.jar");
    static final Path ADMIN = Path.of("..", "pairdb-admin-cli", "target", "pairdb-admin.jar");
    static final Path EMULATOR = Path.of("..", "storage-node-emulator", "target", "pairdb-storage-emulator.jar");

    private static final Map<Path, Path> COPIES = new HashMap<>();

    private BuiltJars() {
    }

    static synchronized Path copyOf(Path jar) {
        return COPIES.computeIfAbsent(jar, built -> {
            Path absolute = built.toAbsolutePath().normalize();
            if (!Files.isRegularFile(absolute)) {
                throw new IllegalStateException(absolute + " is missing: run these tests with "
                        + "./mvnw -B verify -pl system-tests -am (package builds it)");
            }
            try {
                Path file = Files.createTempFile(absolute.getFileName().toString().replace(".jar", "-"), ".jar");
                file.toFile().deleteOnExit();
                return Files.copy(absolute, file, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The java of the JDK running the tests (a JDK 25, as the build requires). */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
