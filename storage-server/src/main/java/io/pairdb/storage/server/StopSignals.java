package io.pairdb.storage.server;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** How a node's process stops: SIGTERM and SIGINT ask for a graceful stop, which a shutdown hook also waits for. */
public final class StopSignals {

    private StopSignals() {
    }

    /**
     * Left to the JVM, SIGTERM runs the shutdown hooks and exits 143. Handled here, it asks the main
     * thread to stop the node and return, so the process exits 0 as supervisors expect of a clean
     * stop; any other way the JVM goes down still gets a graceful stop, waited for up to {@code wait}.
     *
     * @param requestStop asks the main thread to stop the node
     * @param stopped counted down once the node has stopped
     */
    public static void install(String name, Runnable requestStop, CountDownLatch stopped, Duration wait) {
        for (String signal : List.of("TERM", "INT")) {
            try {
                Signal.handle(new Signal(signal), received -> requestStop.run());
            } catch (IllegalArgumentException e) {
                LoggerFactory.getLogger(StopSignals.class).warn(
                        "cannot handle SIG{} ({}); it will stop {} through the shutdown hook", signal, e.getMessage(), name);
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            requestStop.run();
            try {
                stopped.await(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name + "-shutdown"));
    }
}
