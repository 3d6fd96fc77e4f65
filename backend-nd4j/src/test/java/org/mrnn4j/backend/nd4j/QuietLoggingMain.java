package org.mrnn4j.backend.nd4j;

import org.mrnn4j.core.Backend;
import org.mrnn4j.core.Backends;

/** Opens the nd4j backend as an application would; run by {@link QuietLoggingTest}. */
public final class QuietLoggingMain {
  private QuietLoggingMain() {}

  public static void main(String[] args) {
    try (Backend b = Backends.select("nd4j")) {
      System.out.println(b.name());
    }
  }
}
