package io.pairdb.storage.server;

import java.util.Iterator;

/** A range scan read lazily; closing it releases what the engine holds for it (e.g. an iterator over files). */
public interface EntryScan extends Iterator<StoredEntry>, AutoCloseable {

    /** Releases the scan; no exception. Calling it again does nothing. */
    @Override
    void close();

    /** A scan over entries that hold nothing to release. */
    static EntryScan of(Iterator<StoredEntry> entries) {
        return new EntryScan() {
            @Override
            public boolean hasNext() {
                return entries.hasNext();
            }

            @Override
            public StoredEntry next() {
                return entries.next();
            }

            @Override
            public void close() {
            }
        };
    }
}
