package io.pairdb.storage.server;

/** A storage node serving in this JVM, as dev mode and tests see it: where it is, and how to stop it. */
public interface RunningNode extends AutoCloseable {

    String nodeId();

    /** The address it is bound to. */
    String host();

    /** The port bound (useful when started with port 0). */
    int port();

    /** {@code host:port}, for a channel builder. */
    String target();

    /** Stops gracefully; calling it again does nothing. */
    @Override
    void close();
}
