package org.mrnn4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;
import org.mrnn4j.testkit.ConformanceData;
import org.mrnn4j.models.io.ModelLoader;

/** Each model is loaded once while tasks share it, and closed when evicted, never while held. */
class ModelCacheTest {
  private static final Backend EJML = Backends.select("ejml");

  @AfterAll
  static void close() {
    EJML.close();
  }

  private static ModelCache.Loader flipFlop() {
    Path pth = ConformanceData.checkpoints().resolve("flip_flop_rnn_leaky.pth");
    return () -> ModelLoader.load(pth, 0, EJML);
  }

  @Test
  void aModelSharedByTasksIsLoadedOnce() throws IOException {
    ModelCache cache = new ModelCache(2);
    try (ModelCache.Lease a = cache.acquire("ff", flipFlop());
        ModelCache.Lease b = cache.acquire("ff", flipFlop())) {
      assertSame(a.loaded(), b.loaded());
    }
    try (ModelCache.Lease c = cache.acquire("ff", flipFlop())) {
      assertFalse(c.loaded().model().isClosed());
    }
    assertEquals(1, cache.loads());
    cache.closeAll();
  }

  @Test
  void theLeastRecentlyUsedModelNoTaskHoldsIsClosedBeyondTheCapacity() throws IOException {
    ModelCache cache = new ModelCache(2);
    ModelCache.Lease held = cache.acquire("held", flipFlop());
    List<ModelLoader.Loaded> released = new ArrayList<>();
    for (String key : List.of("a", "b", "c")) {
      try (ModelCache.Lease l = cache.acquire(key, flipFlop())) {
        released.add(l.loaded());
      }
    }
    // 'held' is the least recently used but in use: a and b were closed in its place
    assertFalse(held.loaded().model().isClosed());
    assertTrue(released.get(0).model().isClosed(), "a: evicted when b was released");
    assertTrue(released.get(1).model().isClosed(), "b: evicted when c was released");
    held.close(); // two models now, within the capacity: nothing closed
    assertFalse(held.loaded().model().isClosed());
    try (ModelCache.Lease again = cache.acquire("c", flipFlop())) {
      assertSame(released.get(2), again.loaded(), "c stayed, the most recent");
    }
    try (ModelCache.Lease d = cache.acquire("d", flipFlop())) {
      assertFalse(d.loaded().model().isClosed());
    }
    assertTrue(held.loaded().model().isClosed(), "held: the least recently used, once free");
    assertFalse(released.get(2).model().isClosed());
    assertEquals(5, cache.loads());
    cache.closeAll();
    assertTrue(released.get(2).model().isClosed());
  }

  @Test
  void aFailedLoadIsReportedToEveryWaiterAndTriedAgainLater() {
    ModelCache cache = new ModelCache(2);
    ModelCache.Loader missing = () -> ModelLoader.load(Path.of("/nonexistent/net.json"), 0, EJML);
    assertThrows(NoSuchFileException.class, () -> cache.acquire("x", missing));
    assertThrows(NoSuchFileException.class, () -> cache.acquire("x", missing));
    assertEquals(2, cache.loads());
  }
}
