package org.mrnn4j.spark;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.mrnn4j.models.io.ModelLoader;

/**
 * The models an executor has loaded, shared by its tasks: each is loaded once (concurrent tasks
 * asking for the same one wait for the first load) and kept while tasks use it; beyond
 * {@code capacity} models, the least recently used one that no task holds is closed, so that a
 * sweep over thousands of checkpoints does not fill the executor's memory.
 */
final class ModelCache {
  /** Loads a model. */
  interface Loader {
    ModelLoader.Loaded load() throws IOException;
  }

  /** A model held by one task; closing the lease lets the cache close the model later. */
  final class Lease implements AutoCloseable {
    private final Entry entry;
    private boolean open = true;

    private Lease(Entry entry) {
      this.entry = entry;
    }

    ModelLoader.Loaded loaded() {
      return entry.loaded.join();
    }

    @Override
    public void close() {
      if (open) {
        open = false;
        release(entry);
      }
    }
  }

  private static final class Entry {
    final CompletableFuture<ModelLoader.Loaded> loaded = new CompletableFuture<>();
    int users;
  }

  private final int capacity;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private final AtomicLong loads = new AtomicLong();

  ModelCache(int capacity) {
    this.capacity = capacity;
  }

  /** {@return how many models were loaded so far} */
  long loads() {
    return loads.get();
  }

  /** The model of {@code key}, loaded by {@code loader} unless a task loaded it already. */
  Lease acquire(String key, Loader loader) throws IOException {
    Entry e;
    boolean load;
    synchronized (this) {
      e = entries.get(key);
      load = e == null;
      if (load) {
        e = new Entry();
        entries.put(key, e);
      }
      e.users++;
    }
    if (load) {
      try {
        loads.incrementAndGet();
        e.loaded.complete(loader.load());
      } catch (IOException | RuntimeException | Error t) {
        e.loaded.completeExceptionally(t);
        synchronized (this) {
          entries.remove(key, e); // a later task tries again (the file may be fixed by then)
        }
      }
    }
    try {
      e.loaded.join();
    } catch (CompletionException failed) {
      release(e);
      Throwable cause = failed.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw (Error) cause;
    }
    Lease lease = new Lease(e);
    synchronized (this) {
      evict();
    }
    return lease;
  }

  private synchronized void release(Entry e) {
    e.users--;
    evict();
  }

  /** Closes least recently used models no task holds, down to the capacity. */
  private void evict() {
    for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        entries.size() > capacity && it.hasNext(); ) {
      Entry e = it.next().getValue();
      if (e.users == 0 && e.loaded.isDone() && !e.loaded.isCompletedExceptionally()) {
        it.remove();
        e.loaded.join().model().close();
      }
    }
  }

  /** Closes every model (at JVM exit). */
  synchronized void closeAll() {
    for (Entry e : entries.values()) {
      if (e.loaded.isDone() && !e.loaded.isCompletedExceptionally()) {
        e.loaded.join().model().close();
      }
    }
    entries.clear();
  }
}
